// Package sdnotify speaks systemd's service notification protocol
// (sd_notify(3)): READY=1 when a Type=notify service is up, STOPPING=1 on
// the way down, and WATCHDOG=1 pings for WatchdogSec=. It is a few lines
// over a unix datagram socket, so the agent takes no dependency for it.
// Outside systemd ($NOTIFY_SOCKET unset) every call does nothing.
//
// The watchdog pings only while a loop the caller names keeps turning
// (Watchdog's alive counter): a process whose main loop hangs inside a
// handler stops pinging and systemd restarts it, which a ping from an
// independent goroutine would never allow.
package sdnotify

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"
)

// Notifier sends states to the service manager. The zero value (no
// socket) ignores every call.
type Notifier struct{ addr string }

// FromEnv returns the Notifier of $NOTIFY_SOCKET: a path, or an abstract
// socket written with a leading "@".
func FromEnv() Notifier { return Notifier{addr: os.Getenv("NOTIFY_SOCKET")} }

// Enabled reports whether a service manager is listening.
func (n Notifier) Enabled() bool { return n.addr != "" }

// Notify sends one state message, e.g. "READY=1" or "STATUS=serial open".
func (n Notifier) Notify(state string) error {
	if n.addr == "" {
		return nil
	}
	addr := &net.UnixAddr{Name: n.addr, Net: "unixgram"}
	if addr.Name[0] == '@' {
		addr.Name = "\x00" + addr.Name[1:]
	}
	c, err := net.DialUnix("unixgram", nil, addr)
	if err != nil {
		return fmt.Errorf("sdnotify: dial %q: %w", n.addr, err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(state)); err != nil {
		return fmt.Errorf("sdnotify: send %q: %w", state, err)
	}
	return nil
}

// WatchdogInterval is WatchdogSec= as systemd passed it ($WATCHDOG_USEC,
// for this process when $WATCHDOG_PID is set); ok is false when the unit
// has no watchdog.
func WatchdogInterval() (d time.Duration, ok bool) {
	if pid := os.Getenv("WATCHDOG_PID"); pid != "" && pid != strconv.Itoa(os.Getpid()) {
		return 0, false
	}
	us, err := strconv.ParseInt(os.Getenv("WATCHDOG_USEC"), 10, 64)
	if err != nil || us <= 0 {
		return 0, false
	}
	return time.Duration(us) * time.Microsecond, true
}

// Watchdog sends WATCHDOG=1 at each tick on which alive() has risen since
// the previous ping, until ctx ends. Ticks should come at a third of the
// watchdog interval, and the watched loop must turn more often than that
// even when idle. A failed send is returned to report (it does not stop
// the pings): onError may be nil.
func Watchdog(ctx context.Context, n Notifier, ticks <-chan time.Time, alive func() uint64, onError func(error)) {
	last := alive()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			now := alive()
			if now == last {
				continue // the loop has not turned: let systemd see it
			}
			last = now
			if err := n.Notify("WATCHDOG=1"); err != nil && onError != nil {
				onError(err)
			}
		}
	}
}
