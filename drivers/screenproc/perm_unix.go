//go:build unix

package screenproc

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/user"
	"strconv"
)

// socketMode lets the agent's user and the screen group connect; others
// cannot (connect(2) needs write permission on the socket file).
const socketMode = 0o660

// listenUnix listens on a unix socket at path that only the agent's user
// and group may connect to. The socket is bound under a temporary name,
// given its group and mode, then renamed into place, so it is never
// reachable with looser permissions. A stale socket from an earlier run is
// replaced; any other file there is an error.
func listenUnix(path, group string) (net.Listener, error) {
	gid := -1
	if group != "" {
		g, err := lookupGID(group)
		if err != nil {
			return nil, err
		}
		gid = g
	}
	if err := removeStaleSocket(path); err != nil {
		return nil, err
	}
	tmp := path + ".new"
	_ = os.Remove(tmp)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("screenproc: listen %s: %w", path, err)
	}
	ln.SetUnlinkOnClose(false)
	err = os.Chmod(tmp, socketMode)
	if err == nil && gid >= 0 {
		err = os.Chown(tmp, -1, gid)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		ln.Close()
		_ = os.Remove(tmp)
		return nil, fmt.Errorf("screenproc: listen %s (group %q): %w", path, group, err)
	}
	return &unixListener{UnixListener: ln, path: path}, nil
}

// unixListener removes its socket file when closed.
type unixListener struct {
	*net.UnixListener
	path string
}

func (l *unixListener) Close() error {
	err := l.UnixListener.Close()
	if rerr := os.Remove(l.path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		err = errors.Join(err, rerr)
	}
	return err
}

func removeStaleSocket(path string) error {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("screenproc: listen %s: %w", path, err)
	case fi.Mode()&fs.ModeSocket == 0:
		return fmt.Errorf("screenproc: listen %s: exists and is not a socket", path)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("screenproc: remove stale socket: %w", err)
	}
	return nil
}

func lookupGID(group string) (int, error) {
	g, err := user.LookupGroup(group)
	if err != nil {
		return 0, fmt.Errorf("screenproc: group %q: %w", group, err)
	}
	gid, err := strconv.Atoi(g.Gid)
	if err != nil {
		return 0, fmt.Errorf("screenproc: group %q: gid %q: %w", group, g.Gid, err)
	}
	return gid, nil
}

// protectTokenDir: on Unix the file's own mode and group are enough.
func protectTokenDir(string, string) error { return nil }

// shareTokenFile gives the token file to group reader, readable by it.
func shareTokenFile(path, reader string) error {
	if reader == "" {
		return nil
	}
	gid, err := lookupGID(reader)
	if err != nil {
		return err
	}
	if err := os.Chown(path, -1, gid); err != nil {
		return err
	}
	return os.Chmod(path, 0o640)
}
