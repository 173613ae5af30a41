//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/internal/syncbuf"
	"github.com/transferguard/transferguard/sim"
)

// rawFrame wraps content (the bytes between $ and *) with its right CRC.
func rawFrame(content string) string {
	return fmt.Sprintf("$%s*%04X\r\n", content, frame.CRC16([]byte(content)))
}

// rawLatency collects raw frame → answer times (only logged).
var rawLatency []time.Duration

// answer sends raw bytes and returns the agent's ACK or NAK to them.
func answer(t *testing.T, r *rig, raw string) frame.Frame {
	t.Helper()
	from := len(r.player.Received())
	start := time.Now()
	if err := r.player.SendRaw(context.Background(), []byte(raw)); err != nil {
		t.Fatal(err)
	}
	for _, got := range r.player.Received()[from:] {
		if got.Err == nil && (got.Frame.Type == "ACK" || got.Frame.Type == "NAK") {
			rawLatency = append(rawLatency, got.At.Sub(start))
			return got.Frame
		}
	}
	t.Fatalf("no ACK or NAK to %q within %v", short(raw), sim.DefaultAckTimeout)
	return frame.Frame{}
}

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// TestBadInput checks every refusal of CONTRACT §2 against the real agent,
// and that a retransmission is ACKed again but acted on once.
func TestBadInput(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	r.startAgent()
	r.sub.await(10*time.Second, "status online", hasStatus(map[string]string{"state": "online"}))
	r.play("HELLO proto=1 model=SIM-ATM fw=1.0\n")

	long := "TG1,70,HB,x=" + strings.Repeat("a", 600)
	tests := []struct {
		name, raw, typ, ref, reason string
	}{
		{"noise before $", "\x00\xffline noise\r\n" + rawFrame("TG1,60,HB,up=1"), "ACK", "60", ""},
		{"wrong CRC", "$TG1,61,HB,up=2*0000\r\n", "NAK", "61", "CRC"},
		{"lower-case TYPE", rawFrame("TG1,62,start,channel=ATM"), "NAK", "62", "SYNTAX"},
		{"no CRC", "$TG1,63,HB,up=3\r\n", "NAK", "63", "SYNTAX"},
		{"bad escape", rawFrame("TG1,64,PAYEE,name=a%ZZ"), "NAK", "64", "SYNTAX"},
		{"seq out of range", rawFrame("TG1,70000,HB"), "NAK", "", "SYNTAX"},
		{"600 bytes", "$" + long + "*0000\r\n", "NAK", "70", "TOO_LONG"},
		{"unknown TYPE", rawFrame("TG1,65,FOO,x=1"), "NAK", "65", "UNKNOWN_TYPE"},
		{"unknown key on a known TYPE", rawFrame("TG1,66,HB,up=4,colour=red"), "ACK", "66", ""},
		{"$ inside a frame", "$TG1,67,HB" + rawFrame("TG1,68,HB,up=5"), "ACK", "68", ""},
		{"LF alone ends a frame", strings.TrimSuffix(rawFrame("TG1,69,HB,up=6"), "\r\n") + "\n", "ACK", "69", ""},
	}
	for _, tt := range tests {
		got := answer(t, r, tt.raw)
		if string(got.Type) != tt.typ || got.Value("reason") != tt.reason {
			t.Errorf("%s: got %s ref=%s reason=%s, want %s reason=%s", tt.name, got.Type, got.Value("ref"), got.Value("reason"), tt.typ, tt.reason)
		}
		if got.Value("ref") != tt.ref {
			t.Errorf("%s: ref=%q, want %q", tt.name, got.Value("ref"), tt.ref)
		}
	}
	for _, got := range r.player.Received() {
		if got.Frame.Type == "NAK" && got.Frame.Value("ref") == "67" {
			t.Errorf("the partial frame cut by a $ was NAKed; it must be dropped silently")
		}
	}

	// A retransmission (same seq, same bytes) is ACKed again and not
	// processed twice: one PANIC alert, not two.
	r.play("START channel=COUNTER card=6222021234563445 age=70 lang=zh\n")
	if ans, err := r.player.SendFrame(context.Background(), "PANIC"); err != nil || ans.Type != "ACK" {
		t.Fatalf("PANIC: %v %v", ans, err)
	}
	if ans, err := r.player.Again(context.Background()); err != nil || ans.Type != "ACK" {
		t.Fatalf("PANIC again: %v %v, want ACK", ans, err)
	}
	r.sub.await(5*time.Second, "panic alert", func(m []message) bool { return len(onTopic(m, "alert")) > 0 })
	time.Sleep(time.Second)
	if alerts := onTopic(r.sub.all(), "alert"); len(alerts) != 1 {
		t.Errorf("%d alerts after a PANIC and its retransmission, want 1:\n%s", len(alerts), dump(alerts))
	}
	r.play("END\n")

	t.Logf("raw frame → answer over %d bad or odd frames: %v (not asserted)", len(rawLatency), rawLatency)
	s := r.player.Stats()
	if s.Unanswered != 0 || s.Retransmits != 0 {
		t.Errorf("serial stats %+v: every frame must be answered at the first transmission", s)
	}
	t.Logf("frame → answer latency over %d frames: p50 %v p99 %v max %v (not asserted)",
		len(s.Latencies), s.Percentile(50), s.Percentile(99), s.Percentile(100))
}

// TestTgsimBinary runs the tgsim command as an integrator would: on a pty
// it creates, with JSON output, first the bad-input scenario (which must
// pass), then a scenario whose expect cannot be met (exit 1, naming the
// line). The agent reopens the device between the two runs.
func TestTgsimBinary(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	r.unplug() // tgsim brings its own pty to the same path
	scenario, _ := filepath.Abs("testdata/bad-input/signals.txt")

	out, stderr, code := runTgsim(t, r, scenario)
	if code != 0 {
		t.Fatalf("tgsim exited %d on the bad-input scenario:\n%s%s\nagent log:\n%s", code, out, stderr, r.agent.log())
	}
	reasons := map[string]int{}
	for _, l := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		var v struct {
			Dir, Type string
			Fields    map[string]string
		}
		if err := json.Unmarshal(l, &v); err != nil {
			t.Fatalf("tgsim --json printed a non-JSON line: %q", l)
		}
		if v.Dir == "in" && v.Type == "NAK" {
			reasons[v.Fields["reason"]]++
		}
	}
	for _, want := range []string{"CRC", "SYNTAX", "UNKNOWN_TYPE", "TOO_LONG"} {
		if reasons[want] == 0 {
			t.Errorf("tgsim printed no NAK reason=%s; NAKs: %v", want, reasons)
		}
	}

	bad := filepath.Join(r.dir, "never.txt")
	if err := os.WriteFile(bad, []byte("HELLO proto=1\n# the agent never sends this\nexpect HOLD reason=nothing within 300ms\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code = runTgsim(t, r, bad)
	if code != 1 || !bytes.Contains(stderr, []byte("line 3: expected HOLD reason=nothing")) ||
		!bytes.Contains(out, []byte(`"event":"fail","line":3`)) {
		t.Errorf("tgsim on an unmet expect: exit %d, output:\n%s%s\nwant exit 1 and a message naming line 3", code, out, stderr)
	}
}

// runTgsim runs tgsim --pty on the rig's link, starting the agent on the
// first run, and returns its stdout, stderr and exit code.
func runTgsim(t *testing.T, r *rig, scenario string) ([]byte, []byte, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "tgsim"), "--pty", r.link, "--json", "--quiet", "--wait", "30s", scenario)
	var out, stderr syncbuf.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if r.agent == nil {
		waitLink(t, r.link)
		r.agent = startAgent(t, r.args(), filepath.Join(r.dir, "agent-0.log"))
		r.logs = append(r.logs, r.agent.logPath)
	}
	err := cmd.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("tgsim: %v", err)
	}
	return []byte(out.String()), []byte(stderr.String()), code
}

func waitLink(t *testing.T, path string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return
		}
	}
	t.Fatalf("tgsim did not create %s", path)
}
