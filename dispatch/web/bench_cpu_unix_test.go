//go:build unix

package web_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process used so far (user + system):
// on a shared machine it says what a page costs when the wall clock
// says mostly how busy the neighbours were.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
