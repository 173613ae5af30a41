package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/drivers/cardhistory"
	"github.com/transferguard/transferguard/drivers/docstore"
	"github.com/transferguard/transferguard/drivers/outbox"
)

// lockName is the file in the state directory that holds the running
// agent's pid under an exclusive flock.
const lockName = "tgagent.lock"

// stateDir is the agent's state directory: the outbox and the applied
// documents. A full, read-only or damaged directory does not stop the
// agent (CONTRACT §12): what cannot be written is held in memory and the
// status says storage degraded.
type stateDir struct {
	outbox  *outbox.Outbox
	docs    *docs
	history *cardhistory.Store // per-card 24-hour history (history.go)
	lock    *os.File           // nil when the directory could not hold a lock file
}

// openState locks dir and opens what is in it. Its only error is another
// agent holding the directory (a usage error: exit 2).
func openState(dir string, log zerolog.Logger) (*stateDir, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Error().Err(err).Str("state_dir", dir).Msg("state directory unusable; running with storage in memory")
	}
	lock, err := lockDir(dir)
	if errors.As(err, new(inUseError)) {
		return nil, usageError{err}
	}
	if err != nil {
		log.Error().Err(err).Str("state_dir", dir).Msg("state directory not locked: cannot write its lock file")
	}
	ob, err := outbox.Open(filepath.Join(dir, "outbox.db"), outbox.Options{}, log)
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("open outbox: %w", err)
	}
	return &stateDir{outbox: ob, docs: openDocs(filepath.Join(dir, "applied"), log), history: openHistory(dir, log), lock: lock}, nil
}

// Close closes the outbox and releases the lock.
func (s *stateDir) Close() error {
	err := errors.Join(s.outbox.Close(), s.history.Close())
	if s.lock != nil {
		s.lock.Close() // releases the flock
	}
	return err
}

// inUseError says another process holds the state directory.
type inUseError struct {
	dir string
	pid string
}

func (e inUseError) Error() string {
	return fmt.Sprintf("state directory %s in use by pid %s", e.dir, e.pid)
}

// docs keeps applied documents in the state directory and, when the disk
// refuses them, in memory, so a signed configuration still applies.
type docs struct {
	disk *docstore.Store // nil when the directory could not be created
	log  zerolog.Logger
	mu   sync.Mutex
	mem  map[string][]byte
}

func openDocs(dir string, log zerolog.Logger) *docs {
	d := &docs{log: log, mem: map[string][]byte{}}
	s, err := docstore.Open(dir)
	if err != nil {
		log.Error().Err(err).Msg("applied documents kept in memory only")
		return d
	}
	d.disk = s
	return d
}

// Save writes raw to disk or, failing that, keeps it in memory.
func (d *docs) Save(name string, raw []byte) error {
	if d.disk != nil {
		err := d.disk.Save(name, raw)
		if err == nil {
			d.mu.Lock()
			delete(d.mem, name)
			d.mu.Unlock()
			return nil
		}
		d.log.Error().Err(err).Str("name", name).Msg("applied document kept in memory only")
	}
	d.mu.Lock()
	d.mem[name] = append([]byte(nil), raw...)
	d.mu.Unlock()
	return nil
}

// Load returns what Save kept, memory first.
func (d *docs) Load(name string) ([]byte, error) {
	d.mu.Lock()
	b, ok := d.mem[name]
	d.mu.Unlock()
	if ok {
		return b, nil
	}
	if d.disk == nil {
		return nil, fmt.Errorf("docs: load %s: %w", name, fs.ErrNotExist)
	}
	return d.disk.Load(name)
}
