package sessionstore

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/transferguard/transferguard/agent/agenttest"
	"github.com/transferguard/transferguard/agent/terminal"
)

var _ terminal.SessionStore = (*Store)(nil)

// The store passes the conformance checks every session store must pass,
// over one directory reopened as a restarted agent reopens it.
func TestConformance(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "session")
	agenttest.RunSessionStore(t, func() agenttest.SessionStore {
		s, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// The records are private to the agent's user and no temporary file is
// left behind.
func TestFilesArePrivate(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(filepath.Join(dir, "session"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(terminal.SnapshotResume, []byte(`{"v":1}`), false); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "session"))
	if len(entries) != 1 || entries[0].Name() != "session-resume.json" {
		t.Fatalf("directory holds %v, want only session-resume.json", entries)
	}
	for _, p := range []string{filepath.Join(dir, "session"), filepath.Join(dir, "session", "session-resume.json")} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v; want no access for group and others", p, st.Mode().Perm())
		}
	}
}

// A directory that refuses writes (here replaced by a file, which fails
// even for root, as a full or read-only disk fails) makes Save return an
// error, which the core logs, rather than panic or hang; a name that is
// not a record is refused.
func TestUnwritableDirectoryFailsSave(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "session")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(terminal.SnapshotClose, []byte(`{}`), true); err == nil {
		t.Error("save into an unwritable directory reported success")
	}
	if b, err := s.Load(terminal.SnapshotClose); b != nil || err == nil {
		t.Errorf("load from an unwritable directory: %q, %v; want an error", b, err)
	}
	if _, err := s.Load("../outbox"); err == nil {
		t.Error("a path as record name was accepted")
	}
}
