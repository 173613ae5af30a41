// Package cardhistory is the terminal's memory of each card's transfer
// attempts over the last 24 hours (CONTRACT §9), behind the core's
// terminal.History seam: bounded in size, kept in the state directory so
// it survives a restart, and holding no card number.
//
// # What is kept
//
// A card is known only by the key the core gives it (hex HMAC-SHA-256 of
// the card's digits under this terminal's secret, see Key); the store keeps
// its first 8 bytes. Per card it keeps the newest MaxPerCard attempts, each
// a time (seconds) and an amount in minor units; attempts older than Window
// are dropped as time passes, and beyond MaxCards the card whose newest
// attempt is oldest is forgotten first.
//
// # Why an append log
//
// Each Add appends one 28-byte checksummed record with a single write(2)
// and no fsync, so the core's goroutine never waits for the disk; a crash
// may lose the last records, which only makes a rule a little less likely
// to fire. At start the log is replayed (expired records skipped) and
// rewritten when it holds mostly dead records. A bbolt store would fsync
// per write or batch behind a goroutine, and its pages cost more than
// 28 bytes a record; the log needs neither.
package cardhistory

import (
	"crypto/sha256"
	"encoding/binary"
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

// cardID is the first 8 bytes of a card key. Two of 100,000 cards share
// one with probability 100,000²/2⁶⁵ ≈ 3·10⁻¹⁰; if they did, their counts
// would merge, which can only make a rule fire, never hide a card.
type cardID uint64

type attempt struct {
	at     int64 // Unix seconds
	amount int64 // minor units
}

// slot is a card's entry in the map: its oldest attempt, inline, so most
// lookups touch nothing else (a card seldom has more than one attempt a
// day); the later ones, if any, are in Store.more.
type slot struct {
	first attempt
	more  bool
}

// list appends the card's attempts, oldest first, to dst.
func (s *Store) list(id cardID, dst []attempt) []attempt {
	sl, ok := s.cards[id]
	if !ok {
		return dst
	}
	dst = append(dst, sl.first)
	if sl.more {
		dst = append(dst, s.more[id]...)
	}
	return dst
}

// put replaces the card's attempts with xs (oldest first; none forgets
// the card). xs must not alias the card's stored list.
func (s *Store) put(id cardID, xs []attempt) {
	if len(xs) == 0 {
		delete(s.cards, id)
		delete(s.more, id)
		return
	}
	s.cards[id] = slot{first: xs[0], more: len(xs) > 1}
	if len(xs) > 1 {
		s.more[id] = append(s.more[id][:0], xs[1:]...)
	} else {
		delete(s.more, id)
	}
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
	cards    map[cardID]slot
	more     map[cardID][]attempt // the attempts after the first, of cards with several
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
	return &Store{maxCards: maxCards, cards: make(map[cardID]slot), more: make(map[cardID][]attempt), log: log}
}

// Key returns the terminal's secret for naming cards (hex), to be given to
// the core as terminal.Options.HistoryKey.
func (s *Store) Key() string { return s.key }

// idOf reads a card key: its first 16 hex digits, or, for any other
// text, the first 8 bytes of its SHA-256.
func idOf(cardKey string) cardID {
	var id uint64
	if len(cardKey) >= 16 {
		ok := true
		for i := range 16 {
			v, good := hexVal(cardKey[i])
			id, ok = id<<4|uint64(v), ok && good
		}
		if ok {
			return cardID(id)
		}
	}
	sum := sha256.Sum256([]byte(cardKey))
	return cardID(binary.BigEndian.Uint64(sum[:]))
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// Get returns the card's attempts in the Window before now.
func (s *Store) Get(cardKey string, now time.Time) rules.CardHistory {
	id := idOf(cardKey)
	from := now.Add(-Window).Unix()
	s.mu.Lock()
	defer s.mu.Unlock()
	var h rules.CardHistory
	var buf [MaxPerCard]attempt
	for _, a := range s.list(id, buf[:0]) {
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
	var buf [MaxPerCard + 1]attempt
	list := append(s.list(id, buf[:0]), a)
	s.put(id, list[max(0, len(list)-MaxPerCard):])
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
		var buf [MaxPerCard]attempt
		list := s.list(r.id, buf[:0])
		n := 0
		for n < len(list) && list[n].at <= cutoff {
			n++
		}
		if n > 0 {
			s.put(r.id, list[n:])
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
	var buf [MaxPerCard]attempt
	if list := s.list(r.id, buf[:0]); len(list) > 0 && list[len(list)-1].at == r.at {
		s.put(r.id, nil)
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
