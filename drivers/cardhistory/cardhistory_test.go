package cardhistory

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/pan"
	"github.com/transferguard/transferguard/agent/rules"
)

var nopLog = zerolog.Nop()

var t0 = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

const card = "6222021234563445"

func open(t testing.TB, dir string, now time.Time, max int) *Store {
	t.Helper()
	s := Open(dir, Options{MaxCards: max, Now: func() time.Time { return now }}, zerolog.Nop())
	t.Cleanup(func() { s.Close() })
	return s
}

// Two 4,900 CNY attempts before a restart are what the third attempt's
// rule sees after it; the 24-hour window then lets the first ones go.
func TestHistorySurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, t0, 0)
	k := pan.Key(s.Key(), card)
	s.Add(k, 490000, t0)
	s.Add(k, 490000, t0.Add(time.Hour))
	s.Close()

	s2 := open(t, dir, t0.Add(2*time.Hour), 0)
	if s2.Key() != s.Key() {
		t.Fatal("the key changed across a restart: the cards can no longer be found")
	}
	want := rules.CardHistory{Transfers: 2, AmountMinor: 980000, MinMinor: 490000, MaxMinor: 490000}
	if got := s2.Get(k, t0.Add(2*time.Hour)); got != want {
		t.Fatalf("after restart: got %+v, want %+v", got, want)
	}
	s2.Add(k, 480000, t0.Add(3*time.Hour))
	want = rules.CardHistory{Transfers: 2, AmountMinor: 970000, MinMinor: 480000, MaxMinor: 490000}
	if got := s2.Get(k, t0.Add(24*time.Hour+30*time.Minute)); got != want {
		t.Fatalf("25 h later: got %+v, want %+v (the first attempt expired)", got, want)
	}
	if got := s2.Get(pan.Key(s.Key(), "6222021234563446"), t0.Add(2*time.Hour)); got != (rules.CardHistory{}) {
		t.Fatalf("another card: got %+v", got)
	}
}

// Records older than the window are not restored, and the log is
// rewritten without them.
func TestExpiredRecordsNotRestored(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, t0, 0)
	s.Add("a", 100, t0)
	s.Add("b", 200, t0.Add(20*time.Hour))
	s.Close()
	s2 := open(t, dir, t0.Add(25*time.Hour), 0)
	if s2.Len() != 1 || s2.Get("b", t0.Add(25*time.Hour)).Transfers != 1 {
		t.Fatalf("restored %d cards, want only b", s2.Len())
	}
}

// Beyond MaxCards the card used longest ago is forgotten, not one used
// since.
func TestOldestCardEvicted(t *testing.T) {
	s := open(t, "", t0, 3)
	s.Add("a", 1, t0)
	s.Add("b", 1, t0.Add(time.Minute))
	s.Add("c", 1, t0.Add(2*time.Minute))
	s.Add("a", 1, t0.Add(3*time.Minute)) // a is used again
	s.Add("d", 1, t0.Add(4*time.Minute))
	now := t0.Add(5 * time.Minute)
	if s.Len() != 3 || s.Get("b", now).Transfers != 0 || s.Get("a", now).Transfers != 2 || s.Get("d", now).Transfers != 1 {
		t.Fatalf("after eviction: len %d, a %+v, b %+v", s.Len(), s.Get("a", now), s.Get("b", now))
	}
}

func TestAttemptsPerCardBounded(t *testing.T) {
	s := open(t, "", t0, 0)
	for i := range MaxPerCard + 5 {
		s.Add("a", int64(100+i), t0.Add(time.Duration(i)*time.Minute))
	}
	h := s.Get("a", t0.Add(time.Hour))
	if h.Transfers != MaxPerCard || h.MinMinor != 105 || h.MaxMinor != 100+MaxPerCard+4 {
		t.Fatalf("got %+v, want the newest %d attempts", h, MaxPerCard)
	}
}

// A damaged log never stops the agent: it is moved aside and the records
// before the damage are kept; a torn last record is only dropped.
func TestDamagedLogMovedAside(t *testing.T) {
	for _, tc := range []struct {
		name    string
		damage  func([]byte) []byte
		kept    int
		movedTo int
	}{
		{"flipped byte", func(b []byte) []byte { b[len(logMagic)+recordSize+20] ^= 0xff; return b }, 1, 1},
		{"torn last record", func(b []byte) []byte { return b[:len(b)-7] }, 1, 0},
		{"not a log", func(b []byte) []byte { return []byte("hello, world, not a log at all") }, 0, 1},
		{"empty file", func(b []byte) []byte { return nil }, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, dir, t0, 0)
			s.Add("a", 1, t0)
			s.Add("b", 2, t0.Add(time.Second))
			s.Close()
			path := filepath.Join(dir, LogName)
			b, _ := os.ReadFile(path)
			if err := os.WriteFile(path, tc.damage(b), 0o600); err != nil {
				t.Fatal(err)
			}
			s2 := open(t, dir, t0.Add(time.Minute), 0)
			if s2.Len() != tc.kept {
				t.Errorf("kept %d cards, want %d", s2.Len(), tc.kept)
			}
			aside, _ := filepath.Glob(path + ".damaged-*")
			if len(aside) != tc.movedTo {
				t.Errorf("files moved aside: %v, want %d", aside, tc.movedTo)
			}
			s2.Add("c", 3, t0.Add(2*time.Minute))
			s2.Close()
			if s3 := open(t, dir, t0.Add(3*time.Minute), 0); s3.Len() != tc.kept+1 {
				t.Errorf("after the repair, %d cards survive a restart, want %d", s3.Len(), tc.kept+1)
			}
		})
	}
}

// A lost key makes the old records meaningless: they are dropped.
func TestLostKeyStartsAfresh(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, t0, 0)
	s.Add(pan.Key(s.Key(), card), 1, t0)
	s.Close()
	os.Remove(filepath.Join(dir, KeyName))
	s2 := open(t, dir, t0, 0)
	if s2.Key() == s.Key() || s2.Len() != 0 {
		t.Fatalf("new key %v, %d cards kept", s2.Key() != s.Key(), s2.Len())
	}
}

// The state directory never holds a card number, whole or in part.
func TestNoCardNumberOnDisk(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, t0, 0)
	s.Add(pan.Key(s.Key(), card), 490000, t0)
	s.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) < 2 {
		t.Fatalf("files %v: want the log and the key", files)
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, leak := range []string{card, card[6:], "1234563445"} {
			if bytes.Contains(b, []byte(leak)) {
				t.Errorf("%s holds %q", f, leak)
			}
		}
		if fi, _ := os.Stat(f); fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is readable by others: %v", f, fi.Mode())
		}
	}
}

// A state directory that cannot be used (here a file stands in its way)
// gives a store in memory, never a failure.
func TestUnusableDirInMemory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(dir, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := open(t, dir, t0, 0)
	s.Add("a", 1, t0)
	if s.Get("a", t0).Transfers != 1 || s.Key() == "" {
		t.Fatal("the in-memory store does not remember")
	}
}

func FuzzRestore(f *testing.F) {
	var b []byte
	b = append(b, logMagic...)
	b = appendRecord(b, cardID(1), t0.Unix(), 5)
	f.Add(b)
	f.Add([]byte(logMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, KeyName), []byte(newKey()), 0o600)
		os.WriteFile(filepath.Join(dir, LogName), data, 0o600)
		s := Open(dir, Options{MaxCards: 4, Now: func() time.Time { return t0 }}, zerolog.Nop())
		defer s.Close()
		if s.Len() > 4 {
			t.Fatalf("%d cards beyond the bound", s.Len())
		}
	})
}
