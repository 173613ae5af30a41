//go:build integration

package integration

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDisplayDiesAlertsFlow runs tgagent with a real tgscreen window on a
// private Xvfb, kills tgscreen, then the X server itself, and checks what a
// bank needs: the agent keeps answering the serial line and delivering
// alerts, reports ui=down, and brings the screen back when the display
// returns (CONTRACT §1: a dead display never stops the agent).
func TestDisplayDiesAlertsFlow(t *testing.T) {
	display := freeDisplay(t)
	home := t.TempDir()
	os.WriteFile(filepath.Join(home, ".asoundrc"), []byte("pcm.!default { type null }\n"), 0o644)
	t.Setenv("DISPLAY", display)
	t.Setenv("HOME", home)
	x := startXvfb(t, display)

	r := newRig(t, nil)
	args := append(r.args(), "--ui", "window", "--screen-bin", filepath.Join(bin, "tgscreen"))
	r.agent = startAgent(t, args, filepath.Join(r.dir, "agent-ui.log"))
	r.logs = append(r.logs, r.agent.logPath)
	if err := r.player.WaitAgent(t.Context(), 10*time.Second); err != nil {
		t.Fatalf("agent does not answer: %v\n%s", err, r.agent.log())
	}
	r.sub.await(30*time.Second, "status ui=up", lastStatus("ui", "up"))

	r.play("HELLO proto=1\nSTART channel=ATM card=6222021234563445 age=52 lang=zh\n+200ms SENSOR kind=PHONE_CALL state=ON\n+200ms FUNC fn=TRANSFER\n+200ms PAYEE acct=6217001234567890123 new=1\n+200ms AMOUNT minor=2000000 cur=CNY\n")
	r.sub.await(5*time.Second, "alert with the screen up", countAlerts(1))

	screenPID := childPID(t, r.agent.cmd.Process.Pid, "tgscreen")
	syscall.Kill(screenPID, syscall.SIGKILL)
	r.sub.await(5*time.Second, "status ui=down after tgscreen died", lastStatus("ui", "down"))
	x.kill()
	r.play("+300ms END\n+300ms START channel=COUNTER age=70\n+200ms PANIC\n+200ms END\n")
	r.sub.await(5*time.Second, "panic alert with no display at all", func(m []message) bool {
		for _, a := range onTopic(m, "alert") {
			if decode(t, a)["kind"] == "panic" {
				return true
			}
		}
		return false
	})
	if !r.agent.running() {
		t.Fatalf("tgagent died with its display:\n%s", r.agent.log())
	}
	// The audit of the first session proves what the customer saw: the
	// screens drawn while tgscreen was up carry the time they were drawn.
	msgs := r.sub.await(5*time.Second, "session record", func(m []message) bool { return len(onTopic(m, "session")) > 0 })
	drawn := 0
	for _, sc := range decode(t, onTopic(msgs, "session")[0])["screens"].([]any) {
		if _, ok := sc.(map[string]any)["drawn"]; ok {
			drawn++
		}
	}
	if drawn == 0 {
		t.Errorf("no screen of the first session has a drawn time:\n%s", onTopic(msgs, "session")[0].Payload)
	}

	startXvfb(t, display)
	r.sub.await(30*time.Second, "status ui=up when the display returned", lastStatus("ui", "up"))
	r.play("+200ms HB up=1\n")
}

type xvfb struct{ cmd *exec.Cmd }

func startXvfb(t *testing.T, display string) *xvfb {
	t.Helper()
	cmd := exec.Command("Xvfb", display, "-screen", "0", "1280x720x24", "-nolisten", "tcp")
	if err := cmd.Start(); err != nil {
		t.Fatalf("Xvfb (apt-get install xvfb): %v", err)
	}
	x := &xvfb{cmd: cmd}
	t.Cleanup(x.kill)
	sock := "/tmp/.X11-unix/X" + strings.TrimPrefix(display, ":")
	for i := 0; i < 100; i++ {
		if _, err := os.Stat(sock); err == nil {
			return x
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("Xvfb %s did not come up", display)
	return nil
}

func (x *xvfb) kill() {
	if x.cmd.ProcessState == nil {
		x.cmd.Process.Kill()
		x.cmd.Wait()
	}
}

// freeDisplay picks an X display number nobody uses.
func freeDisplay(t *testing.T) string {
	for n := 90; n < 200; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); os.IsNotExist(err) {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); os.IsNotExist(err) {
				return fmt.Sprintf(":%d", n)
			}
		}
	}
	t.Fatal("no free X display")
	return ""
}

// childPID finds the child of parent whose command is name.
func childPID(t *testing.T, parent int, name string) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		ents, _ := os.ReadDir("/proc")
		for _, e := range ents {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
			if err != nil {
				continue
			}
			// pid (comm) state ppid …
			s := string(stat)
			i := strings.LastIndexByte(s, ')')
			f := strings.Fields(s[i+1:])
			if len(f) > 1 && f[1] == strconv.Itoa(parent) && strings.Contains(s[:i], name) {
				return pid
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no %s child of %d", name, parent)
	return 0
}

func lastStatus(key, want string) func([]message) bool {
	return func(m []message) bool {
		st := onTopic(m, "status")
		var v map[string]any
		return len(st) > 0 && json.Unmarshal(st[len(st)-1].Payload, &v) == nil && v[key] == want
	}
}

func countAlerts(n int) func([]message) bool {
	return func(m []message) bool { return len(onTopic(m, "alert")) >= n }
}
