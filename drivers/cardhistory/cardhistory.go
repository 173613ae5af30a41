// Package cardhistory is the terminal's memory of each card's transfer
// attempts over the last 24 hours (CONTRACT §9), behind the core's
// terminal.History seam: bounded in size, kept in the state directory so
// it survives a restart, and holding no card number.
//
// # What is kept
//
// A card is known only by the key the core gives it (hex HMAC-SHA-256 of
// the card's digits under this terminal's secret, see Key); the store keeps
// its first 16 bytes. Per card it keeps the newest MaxPerCard attempts, each
// a time (seconds) and an amount in minor units; attempts older than Window
// are dropped as time passes, and beyond MaxCards the card whose newest
// attempt is oldest is forgotten first.
//
// # Why an append log
//
// Each Add appends one 36-byte checksummed record with a single write(2)
// and no fsync, so the core's goroutine never waits for the disk; a crash
// may lose the last records, which only makes a rule a little less likely
// to fire. At start the log is replayed (expired records skipped) and
// rewritten when it holds mostly dead records. A bbolt store would fsync
// per write or batch behind a goroutine, and its pages cost more than
// 36 bytes a record; the log needs neither.
package cardhistory

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/rules"
)

// Limits of the store.
const (
	Window          = 24 * time.Hour
	DefaultMaxCards = 100_000
	MaxPerCard      = 8
)

// cardID is the first 16 bytes of a card key: 128 bits, no collision in
// any terminal's lifetime.
type cardID [16]byte

type attempt struct {
	at     int64 // Unix seconds
	amount int64 // minor units
}

// ref is one Add in time order, for expiry and eviction.
type ref struct {
	id cardID
	at int64
}

// Store is the 24-hour history. It is safe for concurrent use.
type Store struct {
	mu       sync.Mutex
	maxCards int
	cards    map[cardID][]attempt // oldest first
	order    []ref                // every Add still possibly live, oldest first
	head     int                  // order[:head] are consumed

	key     string   // hex secret that names cards (Key)
	path    string   // the log; "" in memory only
	f       *os.File // nil when the log cannot be written
	records int      // records in the log file
	failed  bool     // a write failed: logged once
	log     zerolog.Logger
}

// newStore returns an empty in-memory store.
func newStore(maxCards int, log zerolog.Logger) *Store {
	if maxCards <= 0 {
		maxCards = DefaultMaxCards
	}
	return &Store{maxCards: maxCards, cards: make(map[cardID][]attempt), log: log}
}

// Key returns the terminal's secret for naming cards (hex), to be given to
// the core as terminal.Options.HistoryKey.
func (s *Store) Key() string { return s.key }

// idOf reads a card key: the first 32 hex digits, or, for any other text,
// the first 16 bytes of its SHA-256.
func idOf(cardKey string) cardID {
	var id cardID
	if len(cardKey) >= 32 {
		if _, err := hex.Decode(id[:], []byte(cardKey[:32])); err == nil {
			return id
		}
	}
	sum := sha256.Sum256([]byte(cardKey))
	copy(id[:], sum[:])
	return id
}

// Get returns the card's attempts in the Window before now.
func (s *Store) Get(cardKey string, now time.Time) rules.CardHistory {
	id := idOf(cardKey)
	from := now.Add(-Window).Unix()
	s.mu.Lock()
	defer s.mu.Unlock()
	var h rules.CardHistory
	for _, a := range s.cards[id] {
		if a.at <= from {
			continue
		}
		h.Transfers++
		h.AmountMinor += a.amount
		if a.amount > 0 {
			if h.MinMinor == 0 || a.amount < h.MinMinor {
				h.MinMinor = a.amount
			}
			h.MaxMinor = max(h.MaxMinor, a.amount)
		}
	}
	return h
}

// Add records an attempt of amountMinor at time at and appends it to the
// log. A log that cannot be written is reported once; memory goes on.
func (s *Store) Add(cardKey string, amountMinor int64, at time.Time) {
	id, sec := idOf(cardKey), at.Unix()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.add(id, attempt{at: sec, amount: amountMinor})
	s.appendRecord(id, sec, amountMinor)
	if s.records > 2*len(s.order)-2*s.head+compactSlack {
		s.compact()
	}
}

// add records in memory, drops what expired by a.at and evicts beyond
// maxCards.
func (s *Store) add(id cardID, a attempt) {
	s.expire(a.at - int64(Window/time.Second))
	list := append(s.cards[id], a)
	if len(list) > MaxPerCard {
		list = append(list[:0], list[len(list)-MaxPerCard:]...)
	}
	s.cards[id] = list
	s.order = append(s.order, ref{id, a.at})
	for len(s.cards) > s.maxCards && s.head < len(s.order) {
		s.evictOldest()
	}
}

// expire drops the attempts at or before cutoff, oldest first.
func (s *Store) expire(cutoff int64) {
	for s.head < len(s.order) && s.order[s.head].at <= cutoff {
		r := s.order[s.head]
		s.head++
		list := s.cards[r.id]
		n := 0
		for n < len(list) && list[n].at <= cutoff {
			n++
		}
		if n == len(list) {
			delete(s.cards, r.id)
		} else if n > 0 {
			s.cards[r.id] = append(list[:0], list[n:]...)
		}
	}
	s.shrinkOrder()
}

// evictOldest forgets the card of the oldest Add if that Add is still the
// card's newest attempt (otherwise the card was used since, and the entry
// is only consumed).
func (s *Store) evictOldest() {
	r := s.order[s.head]
	s.head++
	if list := s.cards[r.id]; len(list) > 0 && list[len(list)-1].at == r.at {
		delete(s.cards, r.id)
	}
	s.shrinkOrder()
}

// shrinkOrder reclaims the consumed front of order once it is half of it.
func (s *Store) shrinkOrder() {
	if s.head > 1024 && s.head*2 > len(s.order) {
		s.order = append(s.order[:0], s.order[s.head:]...)
		s.head = 0
	}
}

// Len returns the number of cards with attempts in memory.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.cards)
}
