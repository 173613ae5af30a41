// Package docstore keeps what the agent applied from signed documents in
// the state directory, so it is in force after a restart before the broker
// is reachable. It implements remote.Store.
//
// Each name is one file, mode 0600: a name without an extension is a DSSE
// envelope stored as <dir>/<name>.dsse.json ("config-fleet"); a name with
// one is stored as <dir>/<name> ("watchlist.hashes", "watchlist.key").
// Files are replaced atomically: write a temporary file in the same
// directory, fsync it, rename it over the old one, fsync the directory. A
// crash leaves either the old or the new content, never a mixture; a
// stray temporary file is ignored and overwritten next time.
//
// # Trust model
//
// The directory is created 0700 and its files are 0600: it holds the
// terminal's watchlist hash key, and only the agent's user may read it.
// This package does not check content; agent/remote verifies configuration
// envelopes again at start-up and checks the watchlist record's integrity.
package docstore

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

var validName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}(\.[a-z0-9]{1,16})?$`)

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

// Dir returns the directory of the store.
func (s *Store) Dir() string { return s.dir }

func (s *Store) path(name string) (string, error) {
	if !validName.MatchString(name) {
		return "", fmt.Errorf("docstore: invalid document name %q", name)
	}
	if strings.Contains(name, ".") {
		return filepath.Join(s.dir, name), nil
	}
	return filepath.Join(s.dir, name+".dsse.json"), nil
}

// Save atomically replaces what is stored under name with raw and
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
	return SyncDir(s.dir)
}

// Load returns what is stored under name; the error satisfies
// errors.Is(err, fs.ErrNotExist) when there is nothing.
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
