//go:build integration

package integration

import (
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// zeroRootPage zeroes the page the outbox's root bucket points at: the
// page that holds the "messages" bucket. bbolt opens such a file without a
// word and panics when a transaction reaches the page. The root page id is
// read from the newer of the two meta pages (bbolt's on-disk format: a
// 16-byte page header, then magic, version, page size, flags and the root
// bucket's page id at offset 32; the transaction id at offset 64).
func zeroRootPage(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	psize := int(le.Uint32(b[24:]))
	meta := b[:psize]
	if len(b) >= 2*psize && le.Uint64(b[psize+64:]) > le.Uint64(meta[64:]) {
		meta = b[psize : 2*psize]
	}
	root := int(le.Uint64(meta[32:]))
	if psize < 512 || root < 2 || (root+1)*psize > len(b) {
		t.Fatalf("%s: not a bbolt file as expected (page size %d, root page %d, %d bytes)", path, psize, root, len(b))
	}
	copy(b[root*psize:(root+1)*psize], make([]byte, psize))
	t.Logf("zeroed root bucket page %d (page size %d) of %d bytes", root, psize, len(b))
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedOutbox: the outbox file, holding messages queued while the
// broker was down, is damaged between two runs. The agent starts, ACKs,
// delivers a new panic alert, keeps the damaged file as
// outbox.db.damaged-*, and exits 0 on SIGTERM.
func TestDamagedOutbox(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, path string)
	}{
		{"zeroed-root-page", zeroRootPage},
		{"truncated", func(t *testing.T, path string) {
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, st.Size()/3); err != nil {
				t.Fatal(err)
			}
		}},
		{"garbage", func(t *testing.T, path string) {
			b := make([]byte, 64<<10)
			rng := rand.New(rand.NewPCG(1, 2))
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, nil)
			r.broker.Stop()
			r.startAgent()
			r.play(panicSessions(500000, 3)) // queued in the outbox
			if code := r.agent.stop(); code != 0 {
				t.Fatalf("first run exited %d, want 0", code)
			}
			db := filepath.Join(r.stateDir, "outbox.db")
			tc.damage(t, db)
			subs := r.subscriptions()
			r.broker.Restart()
			r.sub.waitSubs(subs+1, 10*time.Second)
			r.startAgent() // fails unless the agent answers on the pty
			r.play(panicSessions(510000, 1))
			r.sub.await(15*time.Second, "the panic alert after the restart on a damaged outbox", allPanics(t, 510000, 1))
			aside, _ := filepath.Glob(db + ".damaged-*")
			if len(aside) != 1 {
				t.Errorf("damaged outbox kept as %v, want one outbox.db.damaged-* file", aside)
			}
			if log := r.agent.log(); !strings.Contains(log, "outbox damaged") || strings.Contains(log, "goroutine ") {
				t.Errorf("log does not say the outbox was damaged, or shows a panic:\n%s", tail(log, 20))
			}
			// finish (cleanup) checks that SIGTERM exits 0.
		})
	}
}
