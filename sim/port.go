package sim

import (
	"fmt"
	"io"

	"go.bug.st/serial"
)

// OpenSerial opens a serial device (or a pty slave) at baud, 8N1, as a
// controller's port.
func OpenSerial(path string, baud int) (io.ReadWriteCloser, error) {
	port, err := serial.Open(path, &serial.Mode{
		BaudRate: baud, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit,
	})
	if err != nil {
		return nil, fmt.Errorf("sim: open %s: %w", path, err)
	}
	return port, nil
}
