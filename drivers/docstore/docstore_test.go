package docstore

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/transferguard/transferguard/agent/remote"
	"github.com/transferguard/transferguard/agent/remote/storetest"
)

func TestConformance(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "documents")
	storetest.Run(t, func(t *testing.T) remote.Store {
		s, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestFilesArePrivateAndNoTempLeft(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save("watchlist", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "watchlist.dsse.json" {
		t.Fatalf("directory holds %v, want only watchlist.dsse.json", entries)
	}
	info, _ := entries[0].Info()
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("mode: got %v, want 0600", info.Mode().Perm())
	}
}

func TestRejectsBadNames(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"", "../x", "a/b", "UPPER", "."} {
		if err := s.Save(name, []byte("x")); err == nil {
			t.Errorf("Save(%q) accepted", name)
		}
	}
	if _, err := s.Load("../../etc/passwd"); err == nil || errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of a path: got %v, want a name error", err)
	}
}
