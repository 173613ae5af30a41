// Package sessionstore keeps the agent's open session in the state
// directory, so a restarted agent can carry it on or close it properly
// (CONTRACT §14). It implements terminal.SessionStore.
//
// Each record is one file, <dir>/session-<name>.json, mode 0600, replaced
// atomically through drivers/docstore: a temporary file in the same
// directory, fsync, rename over the old one, fsync of the directory. A
// crash leaves the old record or the new one, never a mixture. Clear
// removes both records and makes the removal durable.
//
// Errors are returned, never acted on: the core logs a failing store
// (full or read-only disk) and goes on warning the customer; a session
// that could not be saved is simply not restored after a restart.
//
// # Trust model
//
// Records hold masked card and account numbers and keyed hashes only (the
// core never hands a whole number to the store); the directory is 0700
// and its files 0600 all the same, since they describe a customer's
// transaction. Content is not checked here: the core refuses a record of
// an unknown version or without a session id, and closes the session
// instead of restoring it.
package sessionstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/transferguard/transferguard/drivers/docstore"
)

// names are the records the core keeps (terminal.SnapshotResume and
// terminal.SnapshotClose), checked so a name never reaches the disk as a
// path.
var validName = regexp.MustCompile(`^[a-z][a-z0-9]{0,15}$`)

// Store is the session store in one directory. The core calls it from one
// goroutine.
type Store struct {
	docs *docstore.Store
}

// Open returns the store in dir, creating it (0700) if needed.
func Open(dir string) (*Store, error) {
	d, err := docstore.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("sessionstore: %w", err)
	}
	return &Store{docs: d}, nil
}

func fileName(name string) (string, error) {
	if !validName.MatchString(name) {
		return "", fmt.Errorf("sessionstore: invalid record name %q", name)
	}
	return "session-" + name + ".json", nil
}

// Save replaces the record name with b; it returns once b is durable.
func (s *Store) Save(name string, b []byte) error {
	f, err := fileName(name)
	if err != nil {
		return err
	}
	if err := s.docs.Save(f, b); err != nil {
		return fmt.Errorf("sessionstore: %w", err)
	}
	return nil
}

// Load returns the record name, or nil with no error when there is none.
func (s *Store) Load(name string) ([]byte, error) {
	f, err := fileName(name)
	if err != nil {
		return nil, err
	}
	b, err := s.docs.Load(f)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sessionstore: %w", err)
	}
	return b, nil
}

// Clear removes every record; a record that is not there is no error.
func (s *Store) Clear() error {
	var errs []error
	for _, name := range []string{"resume", "close"} {
		f, _ := fileName(name)
		err := os.Remove(filepath.Join(s.docs.Dir(), f))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("sessionstore: clear: %w", err))
		}
	}
	if len(errs) == 0 {
		errs = append(errs, syncDir(s.docs.Dir()))
	}
	return errors.Join(errs...)
}

// syncDir makes the removals in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sessionstore: open dir: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sessionstore: sync dir: %w", err)
	}
	return nil
}
