package terminal

import (
	"time"

	"github.com/transferguard/transferguard/agent/pan"
	"github.com/transferguard/transferguard/agent/rules"
)

// History remembers each card's transfer attempts at this terminal over
// the last 24 hours (CONTRACT §9), so a rule can see a victim coming back
// to move money in slices below an alert threshold.
//
// Cards are named by a keyed hash (see cardKey), never by number. Both
// methods are called on the core's goroutine and must not block: Get reads
// memory, Add updates memory and may append a few bytes to a file without
// syncing it (drivers/cardhistory). A history that cannot store keeps
// working in memory; it never fails the session.
type History interface {
	// Get returns the card's attempts in the 24 hours before now.
	Get(cardKey string, now time.Time) rules.CardHistory
	// Add records one transfer attempt of amountMinor (0 when no amount
	// was given) at time at.
	Add(cardKey string, amountMinor int64, at time.Time)
}

// noHistory remembers nothing: the terminal runs without a history or
// without the key to name cards.
type noHistory struct{}

func (noHistory) Get(string, time.Time) rules.CardHistory { return rules.CardHistory{} }
func (noHistory) Add(string, int64, time.Time)            {}

// cardKey names the card for the history: hex HMAC-SHA-256 of its digits
// under the terminal's history key (Options.HistoryKey); "" without a key
// or a card, and then nothing is recorded.
func (t *Terminal) cardKey(card pan.Number) string {
	if card.IsZero() {
		return ""
	}
	return pan.Key(t.o.HistoryKey, card.Reveal())
}

// loadHistory fetches the card's last 24 hours once, at START: the rule
// input card_24h excludes the session itself.
func (t *Terminal) loadHistory(s *session, now time.Time) {
	s.cardKey = t.cardKey(s.card)
	if s.cardKey != "" {
		s.card24h = t.o.History.Get(s.cardKey, now)
	}
}

// recordHistory stores the session's transfer attempt when it started
// one: a single entry per session, with its last amount.
func (t *Terminal) recordHistory(s *session, now time.Time) {
	if s.cardKey != "" && s.transfers > 0 {
		t.o.History.Add(s.cardKey, s.amountMinor, now)
	}
}
