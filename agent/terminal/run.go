package terminal

import (
	"context"
	"time"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
)

// Update is a new effective configuration from bank IT. A nil field
// leaves that part as it is.
type Update struct {
	Policy    *config.Policy
	Watchlist Watchlist
}

// Inputs are the channels the adapters feed. A nil channel is never read.
type Inputs struct {
	Frames   <-chan frame.Frame        // valid, de-duplicated controller frames
	Display  <-chan screen.FromDisplay // touches, clicks and keys from tgscreen
	Dispatch <-chan envelope.Dispatch  // guard console messages
	Updates  <-chan Update             // applied configuration and watchlists
	Shown    <-chan uint64             // the display drew the screen with this seq
	// FrameDone, if set, is called after each frame is fully handled (its
	// alert, if any, is durable): the serial adapter holds the ACK until
	// then, so an acknowledged frame is never lost in a crash. nak is ""
	// for an ACK, or the reason the frame is refused (NO_SESSION).
	FrameDone func(nak wire.NakReason)
}

// Run serialises every input and timer onto one goroutine until ctx ends.
// Timers follow the Terminal's clock; in production that is the wall clock.
func (t *Terminal) Run(ctx context.Context, in Inputs) error {
	timer := time.NewTimer(max(t.NextDeadline().Sub(t.o.Clock.Now()), 0))
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case f := <-in.Frames:
			nak := t.HandleFrame(f)
			if in.FrameDone != nil {
				in.FrameDone(nak)
			}
		case d := <-in.Display:
			t.HandleInput(d)
		case d := <-in.Dispatch:
			t.HandleDispatch(d)
		case u := <-in.Updates:
			if u.Policy != nil {
				t.SetPolicy(u.Policy)
			}
			if u.Watchlist != nil {
				t.SetWatchlist(u.Watchlist)
			}
		case seq := <-in.Shown:
			t.HandleShown(seq)
		case <-timer.C:
			t.Tick()
		}
		wait := t.NextDeadline().Sub(t.o.Clock.Now())
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(max(wait, 0))
		t.turns.Add(1)
	}
}

// Turns counts the turns Run's loop has completed. It is safe to call from
// any goroutine: a service watchdog (systemd's WatchdogSec) pings only
// while it keeps rising, so a loop stuck inside a handler stops the pings
// even though the process is alive. An idle loop still turns at least once
// per heartbeat (policy timings.heartbeat_s, default 5 s), when it sends HB.
func (t *Terminal) Turns() uint64 { return t.turns.Load() }
