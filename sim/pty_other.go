//go:build !linux

package sim

import (
	"errors"
	"io"
)

// PTY is only available on Linux; elsewhere use a real port or com0com.
type PTY struct{ io.ReadWriteCloser }

// OpenPTY is not supported on this system.
func OpenPTY(link string) (*PTY, error) {
	return nil, errors.New("sim: --pty is only supported on linux; use --serial with a port pair")
}
