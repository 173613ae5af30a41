//go:build !windows

package docstore

import (
	"errors"
	"fmt"
	"os"
)

// SyncDir makes a rename or removal in dir durable: on POSIX systems a
// rename is only on disk once its directory is fsync'd.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("docstore: open dir: %w", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("docstore: sync dir: %w", err)
	}
	return nil
}
