package screenproc

import (
	"bufio"
	"context"
	"io"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/screen"
)

// hub is what a Proc (tgscreen as a child) and a Listener (tgscreen
// connecting in) share: the current screen, the inputs, the up/down state,
// and the protocol spoken with one screen at a time over any reader and
// writer. Show and Inputs may be used from any goroutine.
type hub struct {
	log     zerolog.Logger
	onState func(state string)
	onShown func(seq uint64)
	wake    chan struct{}
	inputs  chan screen.FromDisplay

	mu    sync.Mutex
	cur   *screen.Screen
	curAt time.Time // when cur was handed to Show
	state string
	pid   int // the child's (Proc only), for tests
}

func newHub(log zerolog.Logger, onState func(string), onShown func(uint64)) *hub {
	return &hub{
		log:     log.With().Str("component", "screenproc").Logger(),
		onState: onState,
		onShown: onShown,
		wake:    make(chan struct{}, 1),
		inputs:  make(chan screen.FromDisplay, 16),
	}
}

// Show makes s the current screen and sends it as soon as a screen is up.
// It never blocks; only the latest screen is kept.
func (h *hub) Show(s screen.Screen) {
	h.mu.Lock()
	h.cur, h.curAt = &s, time.Now()
	h.mu.Unlock()
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Inputs delivers the customer's touches, clicks and keys. If nobody reads
// it, inputs beyond its buffer are dropped (and logged), never blocking
// the screen.
func (h *hub) Inputs() <-chan screen.FromDisplay { return h.inputs }

func (h *hub) setState(s string) {
	h.mu.Lock()
	changed := h.state != s
	h.state = s
	h.mu.Unlock()
	if !changed {
		return
	}
	h.log.Info().Str("state", s).Msg("screen process state")
	if h.onState != nil {
		h.onState(s)
	}
}

// current returns the latest screen, or nil.
// The countdown it carries is shortened by the time since Show, so a
// screen that comes back mid-countdown shows what is really left, not a
// fresh cooling-off the agent is no longer enforcing.
func (h *hub) current() *screen.Screen {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cur == nil || h.cur.CountdownMS == 0 {
		return h.cur
	}
	s := *h.cur
	s.CountdownMS = max(0, s.CountdownMS-time.Since(h.curAt).Milliseconds())
	return &s
}

// session speaks the protocol with one screen: it reads lines from r in
// its own goroutine (the result arrives on readDone when r ends) and
// writes the current screen to w on ready and on every Show. It returns
// when r has ended, a write failed or ctx ended; the caller then closes
// the screen's input and drains readDone.
func (h *hub) session(ctx context.Context, r *bufio.Scanner, w io.Writer) (readDone chan error, werr error) {
	ready := make(chan struct{}, 1)
	readDone = make(chan error, 1)
	go func() { readDone <- h.readLoop(r, ready) }()
	return readDone, h.writeLoop(ctx, w, ready, readDone)
}

// writeLoop sends the current screen on ready and on every Show, until
// the screen's output ends or ctx is cancelled.
func (h *hub) writeLoop(ctx context.Context, w io.Writer, ready <-chan struct{}, readDone chan error) error {
	up := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-readDone:
			readDone <- err // the caller drains it too
			return nil
		case <-ready:
			up = true
			h.setState(StateUp)
		case <-h.wake:
		}
		if s := h.current(); up && s != nil {
			if err := writeShow(w, *s); err != nil {
				return err
			}
			h.log.Debug().Uint64("seq", s.Seq).Str("screen", string(s.Name)).Msg("screen sent")
		}
	}
}
