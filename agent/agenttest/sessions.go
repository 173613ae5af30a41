package agenttest

import (
	"errors"
	"maps"
	"slices"
	"sync"
	"testing"
)

// Sessions is a session store in memory (terminal.SessionStore): what the
// core saved survives a new Terminal built over it, as the state
// directory survives a restart of the agent. It is safe for concurrent use.
type Sessions struct {
	mu    sync.Mutex
	saved map[string][]byte
	aside []string
	// Fail makes Save and Clear return this error (a full or read-only disk).
	Fail error
	// Saves counts the successful saves, Durable those asked to be durable.
	Saves, Durable int
	// OnSave, when set, is called after each successful save with what was
	// saved, so a test can see what had happened by then. It runs with the
	// store locked and must not call it.
	OnSave func(name string, b []byte)
}

// Save keeps a copy of b under name; durable is counted in Durable.
func (s *Sessions) Save(name string, b []byte, durable bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return s.Fail
	}
	if s.saved == nil {
		s.saved = map[string][]byte{}
	}
	s.saved[name] = slices.Clone(b)
	s.Saves++
	if durable {
		s.Durable++
	}
	if s.OnSave != nil {
		s.OnSave(name, b)
	}
	return nil
}

// Load returns what is kept under name, nil when nothing is.
func (s *Sessions) Load(name string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.saved[name]), nil
}

// Clear forgets everything.
func (s *Sessions) Clear() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return s.Fail
	}
	clear(s.saved)
	return nil
}

// MoveAside keeps the record name apart from the live ones (terminal.
// DamageKeeper), as the state directory keeps a damaged file for
// inspection; Aside lists what was moved.
func (s *Sessions) MoveAside(name string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return "", s.Fail
	}
	if _, ok := s.saved[name]; !ok {
		return "", errors.New("agenttest: no record " + name)
	}
	delete(s.saved, name)
	s.aside = append(s.aside, name)
	return name + ".damaged", nil
}

// Aside returns the names of the records moved aside, in order.
func (s *Sessions) Aside() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.aside)
}

// Delete forgets one record, as an operator deleting its file would.
func (s *Sessions) Delete(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.saved, name)
}

// Names returns the names of the records kept, sorted.
func (s *Sessions) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.saved))
}

// SessionStore is the behaviour every session store must have (the
// seam of terminal.SessionStore, whose names it uses).
type SessionStore interface {
	Save(name string, b []byte, durable bool) error
	Load(name string) ([]byte, error)
	Clear() error
}

// RunSessionStore checks a session store: nothing before the first save,
// a save replaces what was there, names are kept apart, and Clear removes
// everything. open returns the store over the same place each time, as a
// restarted agent opens its state directory again.
func RunSessionStore(t *testing.T, open func() SessionStore) {
	t.Helper()
	s := open()
	mustLoad(t, s, "resume", "")
	for _, c := range []struct {
		name, body string
		durable    bool
	}{{"resume", `{"v":1}`, false}, {"close", `{"v":1,"id":"A"}`, true}, {"resume", `{"v":1,"id":"B"}`, false}} {
		if err := s.Save(c.name, []byte(c.body), c.durable); err != nil {
			t.Fatalf("save %s: %v", c.name, err)
		}
	}
	again := open()
	mustLoad(t, again, "resume", `{"v":1,"id":"B"}`)
	mustLoad(t, again, "close", `{"v":1,"id":"A"}`)
	if err := again.Clear(); err != nil {
		t.Fatalf("clear: %v", err)
	}
	mustLoad(t, open(), "resume", "")
	mustLoad(t, open(), "close", "")
	if err := open().Clear(); err != nil {
		t.Errorf("clear of an empty store: %v", err)
	}
}

func mustLoad(t *testing.T, s SessionStore, name, want string) {
	t.Helper()
	b, err := s.Load(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	if want == "" && b != nil {
		t.Fatalf("load %s: got %q, want nothing (nil)", name, b)
	}
	if string(b) != want {
		t.Fatalf("load %s: got %q, want %q", name, b, want)
	}
}

// ErrDiskFull stands for a full disk in tests.
var ErrDiskFull = errors.New("no space left on device")
