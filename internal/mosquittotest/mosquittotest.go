// Package mosquittotest runs a real mosquitto broker for tests, because the
// guarantees the MQTT link makes (retained status, Last Will, delivery after
// an outage) are only worth something against the broker banks deploy.
//
// A test that needs it fails, and never skips, when mosquitto is missing:
// CI installs it (Debian package "mosquitto"), and a skipped delivery test
// would hide a regression.
package mosquittotest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startTimeout bounds how long a broker may take to accept connections.
const startTimeout = 10 * time.Second

// Broker is one mosquitto process on a fixed loopback port.
type Broker struct {
	t      testing.TB
	bin    string
	conf   string
	port   int
	scheme string // "tcp" or "ssl"

	mu     sync.Mutex
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	done   chan struct{}
}

// Start runs mosquitto on a free 127.0.0.1 port, waits until it accepts
// connections and stops it when the test ends.
func Start(t testing.TB) *Broker {
	t.Helper()
	return StartWithConfig(t, "")
}

// StartWithConfig is Start with extra lines in the listener's section of
// mosquitto.conf, e.g. PKI.Listener's TLS settings; URL still says tcp://,
// use SSLURL for a TLS listener.
func StartWithConfig(t testing.TB, listener string) *Broker {
	t.Helper()
	return StartConf(t, "tcp", func(port int) string {
		return fmt.Sprintf("listener %d 127.0.0.1\n%sallow_anonymous true\npersistence false\n"+
			"user root\nlog_dest stderr\nlog_type error\nlog_type warning\n", port, listener)
	})
}

// StartConf runs mosquitto with the configuration conf returns for a free
// loopback port; scheme ("tcp" or "ssl") is what URL reports. The
// configuration must listen on 127.0.0.1:port and should say "user root":
// mosquitto started as root otherwise switches to user mosquitto, which
// cannot read files in the test's temp dir.
func StartConf(t testing.TB, scheme string, conf func(port int) string) *Broker {
	t.Helper()
	bin := find()
	if bin == "" {
		t.Fatal("mosquittotest: mosquitto not found on PATH or in /usr/sbin; " +
			"install it (apt-get install mosquitto): MQTT tests need a real broker")
	}
	b := &Broker{t: t, bin: bin, scheme: scheme, conf: filepath.Join(t.TempDir(), "mosquitto.conf")}
	t.Cleanup(b.Stop)
	for try := 1; ; try++ {
		b.port = freePort(t)
		if err := os.WriteFile(b.conf, []byte(conf(b.port)), 0o644); err != nil {
			t.Fatalf("mosquittotest: write config: %v", err)
		}
		err := b.start()
		if err == nil {
			return b
		}
		if try == portTries {
			t.Fatalf("mosquittotest: %v (%d ports tried)", err, try)
		}
	}
}

// portTries bounds how often a broker looks for another port when the one
// it picked was taken before it could bind it.
const portTries = 5

// find returns the mosquitto binary, or "".
func find() string {
	if p, err := exec.LookPath("mosquitto"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/mosquitto"); err == nil {
		return "/usr/sbin/mosquitto"
	}
	return ""
}

// freePort asks the kernel for an unused loopback port.
func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mosquittotest: free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Addr is host:port of the listener.
func (b *Broker) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(b.port)) }

// URL is the broker address as paho and tgagent take it: tcp://host:port,
// or ssl://host:port for a broker from StartTLS.
func (b *Broker) URL() string { return b.scheme + "://" + b.Addr() }

// SSLURL is the address as ssl://host:port, for a TLS listener.
func (b *Broker) SSLURL() string { return "ssl://" + b.Addr() }

// start launches the process and waits until it accepts connections on
// its port. It fails the test when mosquitto cannot start, and returns an
// error when the port was taken by another process first (the caller may
// try another).
func (b *Broker) start() error {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cmd != nil {
		return nil
	}
	cmd := exec.Command(b.bin, "-c", b.conf)
	stderr := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Start(); err != nil {
		b.t.Fatalf("mosquittotest: start %s: %v", b.bin, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	b.cmd, b.stderr, b.done = cmd, stderr, done
	taken := fmt.Errorf("port %d taken by another process", b.port)
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			b.cmd = nil
			if strings.Contains(stderr.String(), "in use") {
				return taken
			}
			b.t.Fatalf("mosquittotest: mosquitto exited at start: %s", stderr.String())
		default:
		}
		if c, err := net.DialTimeout("tcp", b.Addr(), 200*time.Millisecond); err == nil {
			_ = c.Close()
			if ours, err := listensOn(cmd.Process.Pid, b.port); err != nil || ours {
				return nil // err: /proc unreadable, nothing to compare
			}
			b.stopLocked()
			return taken
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.t.Fatalf("mosquittotest: port %d not accepting after %v: %s", b.port, startTimeout, stderr.String())
	return nil
}

// Stop terminates the broker (SIGTERM, then SIGKILL after 2 s); clients see
// their connection drop. Stopping a stopped broker does nothing.
func (b *Broker) Stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stopLocked()
}

// stopLocked is Stop with b.mu held.
func (b *Broker) stopLocked() {
	if b.cmd == nil {
		return
	}
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.done:
	case <-time.After(2 * time.Second):
		_ = b.cmd.Process.Kill()
		<-b.done
	}
	b.cmd = nil
}

// Restart stops the broker and starts it again on the same port, with no
// retained messages or sessions (persistence is off): an outage.
func (b *Broker) Restart() {
	b.t.Helper()
	b.Stop()
	if err := b.start(); err != nil {
		b.t.Fatalf("mosquittotest: restart: %v", err)
	}
}
