package serialport

import (
	"golang.org/x/sys/unix"

	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/internal/syncbuf"
)

// wait bounds every expectation in these tests; nothing normally takes
// more than a few milliseconds.
const wait = 3 * time.Second

// peer is the controller's end of a pty pair: what it reads from the
// agent is decoded into frames.
type peer struct {
	master *os.File // pollable, so Close interrupts the reader
	slave  *os.File // held open so the master never sees EIO before the Port opens
	got    chan frame.Frame
	done   chan struct{}
	mu     sync.Mutex
	links  []string // symlinks made to the slave, removed on close
}

// newPeer opens a pty pair whose slave the Port will open.
func newPeer(t testing.TB) *peer {
	t.Helper()
	m, s, err := pty.Open()
	if err != nil {
		t.Fatalf("pty: %v", err)
	}
	// Raw from the start, as a real UART is: a new pty echoes, and a frame
	// written before the Port has set its own mode would come back to us.
	if err := makeRaw(int(s.Fd())); err != nil {
		t.Fatalf("pty raw mode: %v", err)
	}
	// creack/pty leaves the master blocking; a blocked Read would keep
	// Close from closing it. A non-blocking dup is handled by the poller.
	// Close-on-exec, so a process started later does not inherit the master.
	fd, err := unix.FcntlInt(m.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	if err == nil {
		err = syscall.SetNonblock(fd, true)
	}
	if err != nil {
		t.Fatalf("dup pty master: %v", err)
	}
	m.Close()
	p := &peer{master: os.NewFile(uintptr(fd), "ptmx"), slave: s, got: make(chan frame.Frame, 1024), done: make(chan struct{})}
	go p.read()
	t.Cleanup(p.close)
	return p
}

// read decodes what the agent writes until the master is closed.
func (p *peer) read() {
	defer close(p.done)
	d := frame.NewDecoder()
	buf := make([]byte, 4096)
	for {
		n, err := p.master.Read(buf)
		d.Feed(buf[:n], func(r frame.Result) {
			if r.Err == nil {
				p.got <- r.Frame
			}
		})
		if err != nil {
			return
		}
	}
}

// close unplugs the device: the master goes, the Port's reads fail.
// close unplugs the device: as udev does, its by-id link goes first, so
// the Port cannot reopen a stale path whose pts number another process
// (a test binary running alongside) may already have been given.
func (p *peer) close() {
	p.mu.Lock()
	links := p.links
	p.links = nil
	p.mu.Unlock()
	for _, l := range links {
		if target, err := os.Readlink(l); err == nil && target == p.slave.Name() {
			os.Remove(l)
		}
	}
	p.master.Close()
	p.slave.Close()
	<-p.done
}

// write sends raw bytes as the controller.
func (p *peer) write(t testing.TB, s string) {
	t.Helper()
	if _, err := p.master.Write([]byte(s)); err != nil {
		t.Fatalf("write to pty: %v", err)
	}
}

// expect returns the next frame the agent wrote.
func (p *peer) expect(t testing.TB) frame.Frame {
	t.Helper()
	select {
	case f := <-p.got:
		return f
	case <-time.After(wait):
		t.Fatal("no frame from the agent")
		return frame.Frame{}
	}
}

// link points path at the peer's slave, replacing any previous link at
// once, as udev does for /dev/serial/by-id names.
func (p *peer) link(t testing.TB, path string) {
	t.Helper()
	tmp := path + ".new"
	if err := os.Symlink(p.slave.Name(), tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.links = append(p.links, path)
	p.mu.Unlock()
}

// count returns how many log lines carry message msg.
func count(logs *syncbuf.Buffer, msg string) int {
	return strings.Count(logs.String(), `"message":"`+msg+`"`)
}

// agent is a running Port with its delivery channel and state changes.
type agent struct {
	port  *Port
	out   chan frame.Frame
	state chan bool
	logs  *syncbuf.Buffer
}

// startPort runs a Port on path until the test ends, and checks that Run
// returns nil promptly on cancel.
func startPort(t testing.TB, path string, tune ...func(*Config)) *agent {
	t.Helper()
	a := &agent{out: make(chan frame.Frame, 64), state: make(chan bool, 64), logs: &syncbuf.Buffer{}}
	cfg := Config{Path: path, MinBackoff: 5 * time.Millisecond, MaxBackoff: 40 * time.Millisecond,
		OnState: func(open bool) { a.state <- open }}
	for _, f := range tune {
		f(&cfg)
	}
	a.port = New(cfg, zerolog.New(a.logs).Level(zerolog.DebugLevel))
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- a.port.Run(ctx, a.out) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-ran:
			if err != nil {
				t.Errorf("Run returned %v on cancel, want nil", err)
			}
		case <-time.After(wait):
			t.Error("Run did not return after cancel")
		}
	})
	return a
}

// expectState waits for the next OnState call and checks it.
func (a *agent) expectState(t testing.TB, want bool) {
	t.Helper()
	select {
	case got := <-a.state:
		if got != want {
			t.Fatalf("OnState(%v), want OnState(%v)", got, want)
		}
	case <-time.After(wait):
		t.Fatalf("no OnState(%v)", want)
	}
}

// expectDelivered returns the next frame Run delivered.
func (a *agent) expectDelivered(t testing.TB) frame.Frame {
	t.Helper()
	select {
	case f := <-a.out:
		return f
	case <-time.After(wait):
		t.Fatal("no frame delivered")
		return frame.Frame{}
	}
}

// expectNothingDelivered checks that nothing is waiting on out.
func (a *agent) expectNothingDelivered(t testing.TB) {
	t.Helper()
	select {
	case f := <-a.out:
		t.Fatalf("delivered %s seq %d, want nothing", f.Type, f.Seq)
	default:
	}
}

// connected starts a Port on a fresh pty and waits until it is open.
func connected(t testing.TB) (*peer, *agent) {
	t.Helper()
	p := newPeer(t)
	path := filepath.Join(t.TempDir(), "ttyTG")
	p.link(t, path)
	a := startPort(t, path)
	a.expectState(t, true)
	return p, a
}

// makeRaw turns off echo, line editing and output processing on a tty.
func makeRaw(fd int) error {
	tio, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	tio.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	tio.Oflag &^= unix.OPOST
	tio.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	tio.Cflag &^= unix.CSIZE | unix.PARENB
	tio.Cflag |= unix.CS8
	return unix.IoctlSetTermios(fd, unix.TCSETS, tio)
}
