package screenproc

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"
)

// peerOf names the other end of a screen connection for the log: the
// user and process of a unix socket peer (SO_PEERCRED), the address of a
// TCP one.
func peerOf(c net.Conn) string {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return c.RemoteAddr().String()
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return "unix"
	}
	var cred *unix.Ucred
	_ = raw.Control(func(fd uintptr) {
		cred, err = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	})
	if err != nil || cred == nil {
		return "unix"
	}
	return fmt.Sprintf("uid %d pid %d", cred.Uid, cred.Pid)
}
