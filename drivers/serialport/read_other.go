//go:build !windows

package serialport

// Elsewhere a read returns what has arrived, up to readSize bytes, or
// nothing after readTimeout, so the loop sees its context end by itself.
// Windows differs: read_windows.go.
const (
	readSize           = 1024
	closeToUnblockRead = false
)
