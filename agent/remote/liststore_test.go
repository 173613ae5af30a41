package remote_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/remote"
)

// listed are the numbers watchDoc(…, listedAccount) lists, normalised.
const listedAccount, listedPhone = "6217000012345678", "13800138000"

func TestWatchlistStoredAsHashes(t *testing.T) {
	store := &remote.MemStore{}
	r := newRemote(t, store)
	mustApply(t, r, remote.WatchlistTopic, sign(t, trustedKey, dsse.TypeWatchlist, watchDoc(7, "6217 0000 1234 5678")))
	if got, want := store.Names(), []string{"watchlist.hashes", "watchlist.key"}; !slices.Equal(got, want) {
		t.Fatalf("stored: got %v, want %v (no envelope)", got, want)
	}
	for _, name := range store.Names() {
		b, _ := store.Load(name)
		for _, n := range []string{listedAccount, listedPhone} {
			if bytes.Contains(b, []byte(n)) {
				t.Fatalf("%s holds the listed number %s", name, n)
			}
		}
	}
	// A restart restores the list from the hashes, and the retained
	// envelope arriving again changes nothing.
	again := newRemote(t, store)
	res, rejected, err := again.Load()
	if err != nil || len(rejected) != 0 {
		t.Fatalf("Load: %v %v", err, rejected)
	}
	if !res.Watchlist.HasAccount(listedAccount) || !res.Watchlist.HasPhone("+86 138 0013 8000") || res.Watchlist.HasAccount("6217000012345679") {
		t.Fatal("restored list does not match as applied")
	}
	if s := again.Snapshot(); s.Watchlist == nil || s.Watchlist.Version != 7 || s.Watchlist.Entries != 2 {
		t.Fatalf("state after restart: %+v", s.Watchlist)
	}
	red, err := again.Offer(remote.WatchlistTopic, sign(t, trustedKey, dsse.TypeWatchlist, watchDoc(7, "6217 0000 1234 5678")))
	if err != nil || !red.Unchanged {
		t.Fatalf("retained redelivery after restart: got %+v, %v; want Unchanged", red, err)
	}
	_, err = again.Offer(remote.WatchlistTopic, sign(t, trustedKey, dsse.TypeWatchlist, watchDoc(6, "6222021234567890123")))
	var rej *remote.Rejection
	if !errors.As(err, &rej) || rej.Reason != remote.ReasonStaleVersion {
		t.Fatalf("older list after restart: got %v, want stale_version", err)
	}
}

func TestHashKeyMadeOnce(t *testing.T) {
	store := &remote.MemStore{}
	r := newRemote(t, store)
	mustApply(t, r, remote.WatchlistTopic, sign(t, trustedKey, dsse.TypeWatchlist, watchDoc(1, listedAccount)))
	key1, _ := store.Load("watchlist.key")
	mustApply(t, r, remote.WatchlistTopic, sign(t, trustedKey, dsse.TypeWatchlist, watchDoc(2, listedAccount)))
	again := newRemote(t, store)
	if _, _, err := again.Load(); err != nil {
		t.Fatal(err)
	}
	mustApply(t, again, remote.WatchlistTopic, sign(t, trustedKey, dsse.TypeWatchlist, watchDoc(3, listedAccount)))
	key2, _ := store.Load("watchlist.key")
	if len(key1) != 32 || !bytes.Equal(key1, key2) {
		t.Fatalf("hash key: got %d bytes, then changed=%v; want 32 bytes kept for the terminal's life", len(key1), !bytes.Equal(key1, key2))
	}
}

func TestLoadRefusesDamagedList(t *testing.T) {
	tests := []struct {
		name   string
		damage func(s *remote.MemStore)
	}{
		{"hash flipped", func(s *remote.MemStore) {
			b, _ := s.Load("watchlist.hashes")
			b[len(b)-40] ^= 1
			_ = s.Save("watchlist.hashes", b)
		}},
		{"metadata edited", func(s *remote.MemStore) {
			b, _ := s.Load("watchlist.hashes")
			_ = s.Save("watchlist.hashes", bytes.Replace(b, []byte(`"accounts":1`), []byte(`"accounts":5`), 1))
		}},
		{"key lost", func(s *remote.MemStore) { s.Remove("watchlist.key") }},
		{"key replaced", func(s *remote.MemStore) { _ = s.Save("watchlist.key", make([]byte, 32)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &remote.MemStore{}
			mustApply(t, newRemote(t, store), remote.WatchlistTopic, sign(t, trustedKey, dsse.TypeWatchlist, watchDoc(7, listedAccount)))
			tt.damage(store)
			r := newRemote(t, store)
			res, rejected, err := r.Load()
			if err != nil {
				t.Fatal(err)
			}
			if len(rejected) != 1 || rejected[0].Reason != remote.ReasonStoreDamaged || rejected[0].Topic != "store:watchlist.hashes" {
				t.Fatalf("got %+v, want one store_damaged on store:watchlist.hashes", rejected)
			}
			if res.Watchlist.HasAccount(listedAccount) || r.Snapshot().Watchlist != nil {
				t.Fatal("a damaged stored list is in force")
			}
			// The retained list arriving again is applied.
			res = mustApply(t, r, remote.WatchlistTopic, sign(t, trustedKey, dsse.TypeWatchlist, watchDoc(7, listedAccount)))
			if !res.Watchlist.HasAccount(listedAccount) {
				t.Fatal("retained list not applied after a damaged store")
			}
		})
	}
}

// TestLoadMigratesStoredEnvelope: a terminal upgraded from a version that
// stored the watchlist envelope in plain verifies it once, keeps its
// hashes and deletes it.
