package remote

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sync"
)

// MemStore is an in-memory Store for tests and for running without a
// state directory. FailSave, when set, makes every Save fail (to test that
// a document that cannot be stored is not applied).
type MemStore struct {
	mu       sync.Mutex
	docs     map[string][]byte
	FailSave bool
}

// Save keeps a copy of raw under name.
func (m *MemStore) Save(name string, raw []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.FailSave {
		return errors.New("memstore: save refused")
	}
	if m.docs == nil {
		m.docs = map[string][]byte{}
	}
	m.docs[name] = append([]byte(nil), raw...)
	return nil
}

// Load returns a copy of what is stored under name.
func (m *MemStore) Load(name string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.docs[name]
	if !ok {
		return nil, fmt.Errorf("memstore: %s: %w", name, fs.ErrNotExist)
	}
	return append([]byte(nil), b...), nil
}

// Remove deletes what is stored under name, as a lost file would be (for
// tests of what the agent does when part of its state is missing).
func (m *MemStore) Remove(name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.docs, name)
}

// Names returns the stored names, sorted (for tests that check what is
// kept).
func (m *MemStore) Names() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	names := make([]string, 0, len(m.docs))
	for n := range m.docs {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
