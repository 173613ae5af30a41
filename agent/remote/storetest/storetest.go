// Package storetest is the conformance test every remote.Store must pass,
// so the in-memory fake and the state-directory store behave alike.
package storetest

import (
	"bytes"
	"errors"
	"io/fs"
	"testing"

	"github.com/transferguard/transferguard/agent/remote"
)

// Run checks the Store contract on stores made by open; open called twice
// with the same t must return stores over the same storage (a restart).
func Run(t *testing.T, open func(t *testing.T) remote.Store) {
	t.Helper()
	s := open(t)
	if _, err := s.Load("config-fleet"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load of nothing: got %v, want fs.ErrNotExist", err)
	}
	first, second := []byte(`{"payloadType":"a"}`), []byte(`{"payloadType":"b","longer":true}`)
	if err := s.Save("config-fleet", first); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if err := s.Save("config-fleet", second); err != nil {
		t.Fatalf("Save again: %v", err)
	}
	if err := s.Save("watchlist", first); err != nil {
		t.Fatalf("Save watchlist: %v", err)
	}
	second[2] = 'X' // the store must have copied the bytes
	again := open(t)
	got, err := again.Load("config-fleet")
	if err != nil {
		t.Fatalf("Load after reopen: %v", err)
	}
	if want := []byte(`{"payloadType":"b","longer":true}`); !bytes.Equal(got, want) {
		t.Fatalf("got %s, want %s", got, want)
	}
	if got, _ := again.Load("watchlist"); !bytes.Equal(got, first) {
		t.Fatalf("watchlist: got %s, want %s", got, first)
	}
	binary := []byte{0, 1, 2, 0xff, '\n'}
	if err := again.Save("watchlist.hashes", binary); err != nil {
		t.Fatalf("Save of a name with an extension: %v", err)
	}
	if got, _ := open(t).Load("watchlist.hashes"); !bytes.Equal(got, binary) {
		t.Fatalf("watchlist.hashes: got %x, want %x", got, binary)
	}
	if got, _ := again.Load("watchlist"); !bytes.Equal(got, first) {
		t.Fatal("watchlist.hashes and watchlist must be stored apart")
	}
}
