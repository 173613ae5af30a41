package remote

import (
	"errors"
	"fmt"
	"io/fs"
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
