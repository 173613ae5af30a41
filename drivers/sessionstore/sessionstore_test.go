package sessionstore

import (
	"os"
	"path/filepath"
	"strings"
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

// A damaged record is renamed aside with its bytes intact and the live
// name is free for a new record (CONTRACT §12: kept for inspection).
func TestMoveAsideKeepsTheDamagedRecord(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "session")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save(terminal.SnapshotResume, []byte(`{"v":1,"resume":tru`), false); err != nil {
		t.Fatal(err)
	}
	var _ terminal.DamageKeeper = s
	where, err := s.MoveAside(terminal.SnapshotResume)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(where); err != nil || string(b) != `{"v":1,"resume":tru` {
		t.Fatalf("moved record %s = %q, %v; want the damaged bytes kept", where, b, err)
	}
	if filepath.Dir(where) != dir || !strings.HasPrefix(filepath.Base(where), "session-resume.json.damaged-") {
		t.Errorf("moved to %s, want session-resume.json.damaged-<time> beside the records", where)
	}
	if b, err := s.Load(terminal.SnapshotResume); err != nil || b != nil {
		t.Errorf("Load after MoveAside = %q, %v; want nothing there", b, err)
	}
	if err := s.Clear(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(where); err != nil {
		t.Errorf("Clear removed the record kept aside: %v", err)
	}
	if _, err := s.MoveAside("../x"); err == nil {
		t.Error("MoveAside accepted a path as a record name")
	}
}
