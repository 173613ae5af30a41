// Package docstore keeps the signed documents the agent applied, as raw
// envelopes, in the state directory, so they are in force after a restart
// before the broker is reachable. It implements remote.Store.
//
// Each document is one file, <dir>/<name>.dsse.json, mode 0600, replaced
// atomically: write a temporary file in the same directory, fsync it,
// rename it over the old one, fsync the directory. A crash leaves either
// the old or the new document, never a mixture; a stray temporary file is
// ignored and overwritten next time. The content is not trusted on the way
// back: agent/remote verifies every signature again at start-up.
package docstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
)

var validName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// Store is a directory of documents. It is safe for use by one goroutine
// at a time per name (agent/remote serialises its calls).
type Store struct {
	dir string
}

// Open returns a store in dir, creating it (0700) if needed.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("docstore: create %q: %w", dir, err)
	}
	return &Store{dir: dir}, nil
}

func (s *Store) path(name string) (string, error) {
	if !validName.MatchString(name) {
		return "", fmt.Errorf("docstore: invalid document name %q", name)
	}
	return filepath.Join(s.dir, name+".dsse.json"), nil
}

// Save atomically replaces the document stored under name with raw and
// returns once it is durable.
func (s *Store) Save(name string, raw []byte) (err error) {
	path, err := s.path(name)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.dir, "."+name+".*.tmp")
	if err != nil {
		return fmt.Errorf("docstore: save %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("docstore: save %s: %w", name, err)
	}
	if _, err = tmp.Write(raw); err != nil {
		return fmt.Errorf("docstore: save %s: %w", name, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("docstore: save %s: sync: %w", name, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("docstore: save %s: %w", name, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("docstore: save %s: %w", name, err)
	}
	return syncDir(s.dir)
}

// Load returns the document stored under name; the error satisfies
// errors.Is(err, fs.ErrNotExist) when there is none.
func (s *Store) Load(name string) ([]byte, error) {
	path, err := s.path(name)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("docstore: load %s: %w", name, err)
	}
	return b, nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
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
