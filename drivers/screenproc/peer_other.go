//go:build !linux

package screenproc

import "net"

// peerOf names the other end of a screen connection for the log.
func peerOf(c net.Conn) string {
	if a := c.RemoteAddr(); a != nil && a.String() != "" {
		return a.String()
	}
	return c.LocalAddr().Network()
}
