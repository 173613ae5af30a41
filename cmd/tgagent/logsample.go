package main

import (
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
)

// Log sampling: a controller sending nonsense, or a flood of frames
// outside a session, makes the same line per frame. Each distinct message
// is written at most sampleBurst times per samplePeriod; the first line
// written after a quiet spell carries "suppressed": how many were dropped.
// Rare lines (start, stop, alerts raised one by one) are never affected.
const (
	samplePeriod = 10 * time.Second
	sampleBurst  = 5
)

// repeatSampler is a zerolog hook that drops repeats of a message beyond
// the burst. zerolog's BurstSampler counts all lines of a logger together;
// this counts per message, so one noisy line cannot hide the others.
type repeatSampler struct {
	clock clock.Clock
	mu    sync.Mutex
	seen  map[string]*sampleWindow
}

type sampleWindow struct {
	start      time.Time
	written    int
	suppressed int
}

func newRepeatSampler(c clock.Clock) *repeatSampler {
	return &repeatSampler{clock: c, seen: map[string]*sampleWindow{}}
}

// Run drops e when its message is over the burst in the current period.
func (s *repeatSampler) Run(e *zerolog.Event, level zerolog.Level, msg string) {
	if level >= zerolog.FatalLevel {
		return
	}
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.seen[msg]
	if w == nil {
		if len(s.seen) > 1000 { // messages are constants; bound it anyway
			s.seen = map[string]*sampleWindow{}
		}
		w = &sampleWindow{start: now}
		s.seen[msg] = w
	}
	if now.Sub(w.start) >= samplePeriod {
		w.start, w.written = now, 0
	}
	if w.written >= sampleBurst {
		w.suppressed++
		e.Discard()
		return
	}
	w.written++
	if w.suppressed > 0 {
		e.Int("suppressed", w.suppressed)
		w.suppressed = 0
	}
}
