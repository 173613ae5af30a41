package outbox

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/wire"
)

// A damaged outbox file never stops the agent: it is moved aside, kept
// for inspection, and a fresh store takes the messages (CONTRACT §12).
func TestDamagedFileMovedAsideAndFreshStoreWorks(t *testing.T) {
	damage := map[string]func(t *testing.T, path string){
		"zeroed page": func(t *testing.T, path string) {
			b, _ := os.ReadFile(path)
			page := os.Getpagesize()
			for i := 2 * page; i < 3*page && i < len(b); i++ { // the freelist/first data page
				b[i] = 0
			}
			os.WriteFile(path, b, 0o600)
		},
		"truncated": func(t *testing.T, path string) { os.Truncate(path, 100) },
		"garbage": func(t *testing.T, path string) {
			b := make([]byte, 64<<10)
			for i := range b {
				b[i] = byte(i*7 + 13)
			}
			os.WriteFile(path, b, 0o600)
		},
	}
	for name, hurt := range damage {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "outbox.db")
			o := open(t, path, Options{})
			for i := range 50 {
				if err := o.Publish(msg(string(wire.TopicAlert), i)); err != nil {
					t.Fatal(err)
				}
			}
			o.Close()
			hurt(t, path)

			o, err := Open(path, Options{}, zerolog.Nop())
			if err != nil {
				t.Fatalf("open of a damaged file failed: %v", err)
			}
			defer o.Close()
			if err := o.Publish(msg(string(wire.TopicAlert), 99)); err != nil {
				t.Fatal(err)
			}
			if _, err := o.Pending(100); err != nil {
				t.Fatal(err)
			}
			aside, _ := filepath.Glob(path + ".damaged-*")
			if name != "zeroed page" && len(aside) != 1 {
				t.Errorf("damaged file not kept aside: %v", aside)
			}
			if o.Storage() != string(wire.StorageOK) {
				t.Errorf("storage %s after a fresh store took a write, want ok", o.Storage())
			}
		})
	}
}

// A directory that refuses every write (here: a file where the directory
// should be) leaves the outbox in memory: messages are still queued and
// handed to the drainer, and Storage says degraded.
func TestUnwritableDirQueuesInMemory(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "state")
	os.WriteFile(notDir, []byte("x"), 0o600)
	o, err := Open(filepath.Join(notDir, "outbox.db"), Options{MaxMemory: 5}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if o.Storage() != string(wire.StorageDegraded) {
		t.Fatalf("storage %s, want degraded", o.Storage())
	}
	o.Publish(msg(string(wire.TopicAlert), 1))
	for i := range 6 {
		o.Publish(msg(string(wire.TopicSession), 10+i))
	}
	es, err := o.Pending(100)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(ids(es), ",")
	if len(es) != 5 || !strings.Contains(got, "1") || o.Depth() != 5 {
		t.Errorf("memory queue = %s (depth %d): want 5 entries with the alert kept", got, o.Depth())
	}
	o.Remove(es[0].Seq)
	if o.Depth() != 4 {
		t.Errorf("depth %d after a removal, want 4", o.Depth())
	}
}
