//go:build !linux

package sim

import (
	"errors"
	"io"
)

// PTY is only available on Linux; elsewhere use a real port or a null-modem
// pair (com0com on Windows: tgsim --serial COM11, tgagent --serial COM12).
type PTY struct {
	io.ReadWriteCloser
	Link, Slave string // as on Linux; never set here
}

// OpenPTY is not supported on this system.
func OpenPTY(link string) (*PTY, error) {
	return nil, errors.New("sim: --pty is only supported on linux; use --serial with a port pair")
}
