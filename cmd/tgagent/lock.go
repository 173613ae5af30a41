package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// lockDir takes an exclusive, non-blocking flock on dir's lock file and
// writes this pid in it. The kernel releases the lock when the process
// dies, so a crash never leaves the directory locked.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	if err := lockFile(f); err != nil {
		b, _ := os.ReadFile(f.Name())
		f.Close()
		if errors.Is(err, errLocked) {
			pid := strings.TrimSpace(string(b))
			if pid == "" {
				pid = "?"
			}
			return nil, inUseError{dir: dir, pid: pid}
		}
		return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	// The pid is for the operator; a full disk leaves the file empty.
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return f, nil
}
