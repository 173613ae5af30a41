package remote_test

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/remote"
)

// FuzzOffer feeds arbitrary bytes on every document topic: Offer must
// never panic, and a refused document must leave the policy as it was.
func FuzzOffer(f *testing.F) {
	f.Add(0, sign(f, trustedKey, dsse.TypeConfig, configDoc(f, "fleet", 2, cooling(12))))
	f.Add(2, sign(f, trustedKey, dsse.TypeConfig, configDoc(f, "terminal", 2, cooling(12))))
	f.Add(3, sign(f, trustedKey, dsse.TypeWatchlist, watchDoc(2, "6217000012345678")))
	f.Add(1, []byte(`{"payloadType":"application/vnd.transferguard.config+json","payload":"e30=","signatures":[]}`))
	topics := []string{fleetTopic, siteTopic, terminalTopic, remote.WatchlistTopic}
	r := newRemote(f, &remote.MemStore{}) // building the default policy is slow under coverage
	f.Fuzz(func(t *testing.T, topic int, raw []byte) {
		before := r.Policy()
		_, err := r.Offer(topics[(topic%4+4)%4], raw)
		if err != nil && r.Policy() != before {
			t.Fatal("a rejected document changed the policy")
		}
	})
}

type discardStore struct{}

func (discardStore) Save(string, []byte) error   { return nil }
func (discardStore) Load(string) ([]byte, error) { return nil, fmt.Errorf("none: %w", fs.ErrNotExist) }

// BenchmarkOfferWatchlist applies a signed 1,000,000-account watchlist:
// size check, parse, signature over ~25 MB, document parse, keyed hashing
// and encoding the stored record.
func BenchmarkOfferWatchlist(b *testing.B) {
	raw := bigWatchlist(b)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		r := newRemote(b, discardStore{})
		if _, err := r.Offer(remote.WatchlistTopic, raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadWatchlist restores a 1,000,000-account watchlist from its
// stored hashes at start-up.
func BenchmarkLoadWatchlist(b *testing.B) {
	store := &remote.MemStore{}
	if _, err := newRemote(b, store).Offer(remote.WatchlistTopic, bigWatchlist(b)); err != nil {
		b.Fatal(err)
	}
	rec, _ := store.Load("watchlist.hashes")
	b.SetBytes(int64(len(rec)))
	b.ReportAllocs()
	for b.Loop() {
		res, _, err := newRemote(b, store).Load()
		if err != nil || res.Watchlist.Len() != 1_000_000 {
			b.Fatalf("Load: %v, %d entries", err, res.Watchlist.Len())
		}
	}
}

// bigWatchlist returns a signed 1,000,000-account watchlist envelope.
func bigWatchlist(b *testing.B) []byte {
	var sb strings.Builder
	sb.WriteString(`{"version":1,"issued":"2026-11-26T00:00:00Z","phones":[],"accounts":[`)
	for i := range 1_000_000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `"62170%014d"`, i*7919)
	}
	sb.WriteString(`]}`)
	return sign(b, trustedKey, dsse.TypeWatchlist, []byte(sb.String()))
}
