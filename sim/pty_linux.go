//go:build linux

package sim

import (
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// PTY is the controller's end of a pseudo-terminal pair whose other end an
// agent opens as its serial device, by the symlink Link. Close closes both
// ends and removes the link: the agent sees its device vanish.
type PTY struct {
	master *os.File
	slave  *os.File // held open so the master never reads EIO before the agent opens
	Link   string   // symlink to the slave, or "" when none was asked for
	Slave  string   // the slave's own path, /dev/pts/N
}

// OpenPTY opens a pty pair in raw mode (no echo, no line editing, 8 bits)
// and, when link is not empty, points link at its slave, replacing any
// previous link at once (as udev does for /dev/serial/by-id names).
func OpenPTY(link string) (*PTY, error) {
	m, s, err := pty.Open()
	if err != nil {
		return nil, fmt.Errorf("sim: open pty: %w", err)
	}
	p := &PTY{slave: s, Slave: s.Name()}
	if err := makeRaw(int(s.Fd())); err != nil {
		m.Close()
		s.Close()
		return nil, err
	}
	// creack/pty leaves the master blocking, and a blocked Read would keep
	// Close from returning; a non-blocking dup goes through the poller.
	// The dup is close-on-exec, atomically: a process started meanwhile
	// (the agent itself, in tests) must not hold the master open, or the
	// agent would never see its device go away.
	fd, err := unix.FcntlInt(m.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	if err == nil {
		err = syscall.SetNonblock(fd, true)
	}
	m.Close()
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("sim: pty master: %w", err)
	}
	p.master = os.NewFile(uintptr(fd), "ptmx")
	if link != "" {
		if err := Relink(link, p.Slave); err != nil {
			p.Close()
			return nil, err
		}
		p.Link = link
	}
	return p, nil
}

// Relink points link at target atomically (a new symlink renamed over it).
func Relink(link, target string) error {
	tmp := link + ".new"
	_ = os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("sim: link %s: %w", link, err)
	}
	if err := os.Rename(tmp, link); err != nil {
		return fmt.Errorf("sim: link %s: %w", link, err)
	}
	return nil
}

// Read reads what the agent wrote.
func (p *PTY) Read(b []byte) (int, error) { return p.master.Read(b) }

// Write writes to the agent.
func (p *PTY) Write(b []byte) (int, error) { return p.master.Write(b) }

// Close closes both ends and removes the link if it still points here.
func (p *PTY) Close() error {
	err := p.master.Close()
	p.slave.Close()
	if p.Link != "" {
		if t, lerr := os.Readlink(p.Link); lerr == nil && t == p.Slave {
			_ = os.Remove(p.Link)
		}
	}
	return err
}

var _ io.ReadWriteCloser = (*PTY)(nil)

// makeRaw sets fd as cfmakeraw(3) does, so nothing the controller writes
// is echoed back or rewritten before the agent sets its own mode.
func makeRaw(fd int) error {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return fmt.Errorf("sim: pty termios: %w", err)
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, t); err != nil {
		return fmt.Errorf("sim: pty raw mode: %w", err)
	}
	return nil
}
