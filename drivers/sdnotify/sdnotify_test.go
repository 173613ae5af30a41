package sdnotify

import (
	"context"
	"net"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// fakeManager is a unix datagram socket standing in for systemd.
type fakeManager struct {
	t    *testing.T
	conn *net.UnixConn
}

func listen(t *testing.T) (*fakeManager, Notifier) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify")
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	t.Setenv("NOTIFY_SOCKET", path)
	return &fakeManager{t: t, conn: c}, FromEnv()
}

// next returns the next message, or "" when none comes within wait.
func (m *fakeManager) next(wait time.Duration) string {
	buf := make([]byte, 256)
	_ = m.conn.SetReadDeadline(time.Now().Add(wait))
	n, err := m.conn.Read(buf)
	if err != nil {
		return ""
	}
	return string(buf[:n])
}

func TestNotifyReachesTheManager(t *testing.T) {
	m, n := listen(t)
	if !n.Enabled() {
		t.Fatal("NOTIFY_SOCKET set but not enabled")
	}
	if err := n.Notify("READY=1"); err != nil {
		t.Fatal(err)
	}
	if got := m.next(5 * time.Second); got != "READY=1" {
		t.Fatalf("got %q, want READY=1", got)
	}
}

func TestNoSocketDoesNothing(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	if n := FromEnv(); n.Enabled() || n.Notify("READY=1") != nil {
		t.Fatal("a notifier with no socket is enabled or fails")
	}
}

func TestWatchdogInterval(t *testing.T) {
	t.Setenv("WATCHDOG_USEC", "30000000")
	t.Setenv("WATCHDOG_PID", "")
	if d, ok := WatchdogInterval(); !ok || d != 30*time.Second {
		t.Fatalf("got %v %v, want 30s", d, ok)
	}
	t.Setenv("WATCHDOG_PID", "1") // another process's watchdog
	if _, ok := WatchdogInterval(); ok {
		t.Fatal("watchdog of pid 1 taken as ours")
	}
}

// TestWatchdogStopsWhenTheLoopStalls: pings follow the loop's turns, and
// stop while it does not turn, though the watchdog goroutine is fine.
func TestWatchdogStopsWhenTheLoopStalls(t *testing.T) {
	m, n := listen(t)
	var turns atomic.Uint64
	ticks := make(chan time.Time)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { Watchdog(ctx, n, ticks, turns.Load, func(err error) { t.Error(err) }); close(done) }()
	defer func() { cancel(); <-done }()

	ticks <- time.Time{} // received: the watchdog has read the start count
	turns.Add(1)
	ticks <- time.Time{}
	if got := m.next(5 * time.Second); got != "WATCHDOG=1" {
		t.Fatalf("loop turned: got %q, want WATCHDOG=1", got)
	}
	ticks <- time.Time{} // stalled: no turn since the last ping
	ticks <- time.Time{}
	if got := m.next(100 * time.Millisecond); got != "" {
		t.Fatalf("loop stalled: got %q, want no ping", got)
	}
	turns.Add(3)
	ticks <- time.Time{}
	if got := m.next(5 * time.Second); got != "WATCHDOG=1" {
		t.Fatalf("loop turning again: got %q, want WATCHDOG=1", got)
	}
}
