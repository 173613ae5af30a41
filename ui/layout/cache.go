package layout

import (
	"reflect"
	"time"

	"github.com/transferguard/transferguard/agent/screen"
)

// Cache remembers the plans of the screens laid out last, so a screen
// drawn again — the agent re-sending it after a reconnect, a window
// exposed, the customer going back and forth between two screens — is
// not laid out again. Each countdown second is a new phase and its own
// entry (its label names the seconds left).
//
// A plan is reused only for the same content, display size and phase, and
// while Protected is unchanged. Content is everything of the screen except
// what changes with each decision and is never drawn: Seq, SID, Decided,
// Voice, Question, and how much countdown was left beyond whether one
// runs. A Cache is for one goroutine (the Ebiten loop) and one Measurer;
// the plans it returns are shared and must not be modified.
type Cache struct {
	m       Measurer
	n       int
	entries []cached // oldest first
	gen     uint64   // protectedGen the entries were laid out with
	// Computed counts the layouts actually computed, for tests.
	Computed int
}

type cached struct {
	s    screen.Screen // normalised (drawnContent)
	w, h int
	ph   Phase
	plan Plan
}

// NewCache returns a cache of the last n plans measured with m.
func NewCache(m Measurer, n int) *Cache {
	return &Cache{m: m, n: max(n, 1)}
}

// Plan returns Compute(s, w, h, m, ph), from the cache when it can.
func (c *Cache) Plan(s screen.Screen, w, h int, ph Phase) Plan {
	if g := protectedGen(); g != c.gen {
		c.entries, c.gen = c.entries[:0], g
	}
	key := drawnContent(s)
	for i, e := range c.entries {
		if e.w == w && e.h == h && e.ph == ph && reflect.DeepEqual(e.s, key) {
			copy(c.entries[i:], c.entries[i+1:]) // e is now the newest
			c.entries[len(c.entries)-1] = e
			return e.plan
		}
	}
	c.Computed++
	p := Compute(s, w, h, c.m, ph)
	if len(c.entries) >= c.n {
		c.entries = append(c.entries[:0], c.entries[1:]...)
	}
	c.entries = append(c.entries, cached{s: key, w: w, h: h, ph: ph, plan: p})
	return p
}

// drawnContent is s without the fields that never change a plan.
func drawnContent(s screen.Screen) screen.Screen {
	s.Seq, s.SID, s.Decided, s.Voice, s.Question = 0, "", time.Time{}, "", ""
	if s.CountdownMS > 0 {
		s.CountdownMS = 1
	}
	return s
}
