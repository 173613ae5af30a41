// Package sessionstore keeps the agent's open session in the state
// directory, so a restarted agent can carry it on or close it properly
// (CONTRACT §14). It implements terminal.SessionStore.
//
// Each record is one file, <dir>/session-<name>.json, mode 0600, replaced
// atomically: a temporary file in the same directory renamed over the old
// one, so a crash leaves the old record or the new one, never a mixture.
// A durable save goes through drivers/docstore, which also fsyncs the file
// and the directory (survives a power cut); the other skips both fsyncs
// (survives a crash of the process, which is what it is for: see
// terminal.SessionStore). Clear removes both records and makes the
// removal durable. A record the core found damaged is renamed aside
// (MoveAside) and kept, never deleted.
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
	"time"

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

// Save replaces the record name with b, fsync'd when durable.
func (s *Store) Save(name string, b []byte, durable bool) error {
	f, err := fileName(name)
	if err != nil {
		return err
	}
	if durable {
		err = s.docs.Save(f, b)
	} else {
		err = replace(filepath.Join(s.docs.Dir(), f), b)
	}
	if err != nil {
		return fmt.Errorf("sessionstore: %w", err)
	}
	return nil
}

// replace writes b to a temporary file beside path and renames it over
// path, without fsync.
func replace(path string, b []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("save %s: %w", filepath.Base(path), err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("save %s: %w", filepath.Base(path), err)
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

// MoveAside renames the record name to
// session-<name>.json.damaged-<UTC time>, beside the live records, so a
// damaged record is kept for inspection and a new one can start
// (terminal.DamageKeeper, CONTRACT §12). The rename is made durable.
func (s *Store) MoveAside(name string) (string, error) {
	f, err := fileName(name)
	if err != nil {
		return "", err
	}
	from := filepath.Join(s.docs.Dir(), f)
	to := from + ".damaged-" + time.Now().UTC().Format("20060102T150405.000Z")
	if err := os.Rename(from, to); err != nil {
		return "", fmt.Errorf("sessionstore: move %s aside: %w", f, err)
	}
	return to, docstore.SyncDir(s.docs.Dir())
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
		errs = append(errs, docstore.SyncDir(s.docs.Dir()))
	}
	return errors.Join(errs...)
}
