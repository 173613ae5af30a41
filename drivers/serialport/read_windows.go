package serialport

// On Windows the read loop reads one byte per call and the port is closed
// to end a pending read.
//
// go.bug.st/serial sets COMMTIMEOUTS{ReadIntervalTimeout: MAXDWORD,
// ReadTotalTimeoutMultiplier: MAXDWORD, ReadTotalTimeoutConstant: 100}:
// on Windows a read returns at once with whatever has arrived, else waits
// up to 100 ms for the first byte. Wine 8.0 (Debian's wine64, where CI
// runs the Windows build) does not implement that combination: a read
// completes only when its buffer is full, and never times out. Measured
// (docs/windows.md) with a controller writing 10 bytes every 100 ms: a
// 1024-byte read returned after 10.16 s, a 16-byte one every ~0.2 s, a
// 1-byte one within 1–2 ms of the byte arriving; an idle read never
// returned until the port was closed. With 1024-byte reads the agent's
// ACKs came 10–22 s late. One byte per call is correct on both: Windows
// hands over a byte as soon as it is there, and wine cannot hold back a
// read that is already full. The cost is a few system calls per byte; a
// controller sends ~50 bytes/s, and 115200 baud is at most ~11.5 k/s.
//
// Because wine's read never times out, the loop would not see its context
// end; closing the port (after the writer has stopped) ends the pending
// read on wine and on Windows alike.
const (
	readSize           = 1
	closeToUnblockRead = true
)
