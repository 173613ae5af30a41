//go:build integration

package integration

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/wire"
)

// needRoot skips, loudly, a check that needs to mount a file system.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("!!! CHECK NOT RUN: mounting a tmpfs needs root; run the integration tests as root to test a full or read-only state directory !!!")
	}
}

// tmpfsState mounts a 2 MB tmpfs (with extra mount options) as the state
// directory of a rig not started yet. It is unmounted after the rig's own
// cleanup (agent stopped, privacy scanned).
func tmpfsState(t *testing.T, opts string) string {
	t.Helper()
	dir := t.TempDir()
	o := "size=2m"
	if opts != "" {
		o += "," + opts
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", o, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount tmpfs on %s: %v: %s", dir, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// fill writes a file in dir until the file system says ENOSPC.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling %s: %v, want ENOSPC", dir, err)
			}
			return path
		}
	}
}

// panicSessions is n counter sessions, each with one PANIC; session i has
// region base+i, which its panic alert carries.
func panicSessions(base, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "START channel=COUNTER age=50 region=%06d lang=zh\nPANIC\nEND\n", base+i)
	}
	return b.String()
}

// panicRegions counts the panic alerts (first publication, not updates)
// per customer region.
func panicRegions(t testing.TB, msgs []message) map[string]int {
	got := map[string]int{}
	for _, m := range onTopic(msgs, "alert") {
		v := decode(t, m)
		if v["kind"] != string(wire.KindPanic) || v["type"] != string(wire.TypeAlert) {
			continue
		}
		cust, _ := v["customer"].(map[string]any)
		region, _ := cust["region"].(string)
		got[region]++
	}
	return got
}

// allPanics waits for a panic alert of every region base..base+n-1.
func allPanics(t testing.TB, base, n int) func([]message) bool {
	return func(msgs []message) bool {
		got := panicRegions(t, msgs)
		for i := range n {
			if got[fmt.Sprintf("%06d", base+i)] == 0 {
				return false
			}
		}
		return true
	}
}

func storage(s wire.StorageState) func([]message) bool {
	return lastStatus("storage", string(s))
}

// TestFullDiskBrokerDown: the state directory fills up while the broker is
// down; 30 panic sessions are all ACKed, and all 30 alerts arrive when the
// broker is back, with the status saying storage=degraded while the disk is
// full and ok once space is freed.
func TestFullDiskBrokerDown(t *testing.T) {
	t.Parallel()
	needRoot(t)
	state := tmpfsState(t, "")
	r := newRig(t, nil)
	r.stateDir = state
	r.startAgent()
	r.sub.await(10*time.Second, "status online", hasStatus(map[string]string{"state": "online"}))
	filler := fill(t, state)
	r.broker.Stop()
	r.play(panicSessions(300000, 30)) // fails unless every frame is ACKed
	if s := r.player.Stats(); s.Unanswered > 0 || s.Naks > 0 {
		t.Fatalf("frames not ACKed on a full disk: %s", s.Summary())
	}
	subs := r.subscriptions()
	r.broker.Restart()
	r.sub.waitSubs(subs+1, 10*time.Second)
	r.sub.await(30*time.Second, "the 30 panic alerts raised on a full disk", allPanics(t, 300000, 30))
	r.sub.await(10*time.Second, "status storage=degraded while the disk is full", storage(wire.StorageDegraded))
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	r.play(panicSessions(300100, 1)) // the next write finds room
	r.sub.await(15*time.Second, "status storage=ok once space is freed", storage(wire.StorageOK))
	r.sub.await(10*time.Second, "the panic alert after space is freed", allPanics(t, 300100, 1))
}

// TestStateDirUnwritableAtStart: a state directory already full, or
// read-only, when the agent starts: it starts, ACKs, warns in its log,
// delivers alerts and says storage=degraded.
func TestStateDirUnwritableAtStart(t *testing.T) {
	t.Parallel()
	needRoot(t)
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string)
	}{
		{"full", func(t *testing.T, dir string) { fill(t, dir) }},
		{"read-only", func(t *testing.T, dir string) {
			// A file for the privacy scan to read, then read-only.
			if err := os.WriteFile(filepath.Join(dir, "README"), []byte("read-only state dir\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
				t.Fatalf("remount ro: %v: %s", err, out)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			state := tmpfsState(t, "")
			tc.setup(t, state)
			r := newRig(t, nil)
			r.stateDir = state
			r.startAgent() // fails unless the agent answers on the pty
			r.play(panicSessions(310000, 3))
			r.sub.await(10*time.Second, "status storage=degraded", storage(wire.StorageDegraded))
			r.sub.await(10*time.Second, "the panic alerts", allPanics(t, 310000, 3))
			if log := r.agent.log(); !strings.Contains(log, `"level":"warn"`) && !strings.Contains(log, `"level":"error"`) {
				t.Errorf("no warning in the agent's log about its state directory:\n%s", tail(log, 20))
			}
		})
	}
}
