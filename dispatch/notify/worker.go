package notify

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/store"
)

// Options configure a Worker. Store and Owner are required; zero durations
// take the defaults named on each field.
type Options struct {
	Store    *store.Store
	Channels map[string]Channel // by the names rungs use
	Clock    clock.Clock        // nil: the wall clock
	// Owner names this instance in leases; unique per running instance
	// (a restarted instance may reuse it).
	Owner      string
	Lease      time.Duration // how long a claimed row is ours; default 30 s, must exceed Timeout
	Timeout    time.Duration // one send; default 10 s
	RetryFor   time.Duration // give up this long after a row was written; default 15 min
	Backoff    time.Duration // first retry delay; default 1 s
	MaxBackoff time.Duration // retry delays double up to this; default 2 min
	MaxPending int           // rows per channel before the oldest are given up; default 1000
	Poll       time.Duration // how often the table is looked at without a Wake; default 1 s
	Log        zerolog.Logger
}

// Worker delivers the notification outbox. See the package doc for the
// delivery model. Its methods are safe for concurrent use.
type Worker struct {
	o    Options
	wake chan struct{}
	log  zerolog.Logger

	mu    sync.Mutex
	busy  map[string]bool // channels with a drain goroutine
	again map[string]bool // woken while busy: look once more before stopping
	wg    sync.WaitGroup
}

// NewWorker checks the options and fills in defaults.
func NewWorker(o Options) (*Worker, error) {
	if o.Store == nil || o.Owner == "" {
		return nil, errors.New("notify: store and owner are required")
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Timeout, 10*time.Second)
	def(&o.Lease, 3*o.Timeout)
	def(&o.RetryFor, 15*time.Minute)
	def(&o.Backoff, time.Second)
	def(&o.MaxBackoff, 2*time.Minute)
	def(&o.Poll, time.Second)
	if o.MaxPending <= 0 {
		o.MaxPending = 1000
	}
	if o.Lease <= o.Timeout {
		return nil, fmt.Errorf("notify: lease %s must exceed the send timeout %s", o.Lease, o.Timeout)
	}
	return &Worker{o: o, wake: make(chan struct{}, 1), busy: map[string]bool{}, again: map[string]bool{},
		log: o.Log.With().Str("component", "notify").Logger()}, nil
}

// Wake asks for a look at the table now (new rows were committed). It
// never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends, then waits for sends in flight to stop.
func (w *Worker) Run(ctx context.Context) error {
	t := time.NewTicker(w.o.Poll)
	defer t.Stop()
	defer w.wg.Wait()
	for {
		w.pass(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-w.wake:
		}
	}
}

// pass gives up rows past each channel's cap and starts a drain for every
// channel with rows that has none running.
func (w *Worker) pass(ctx context.Context) {
	backlog, err := w.o.Store.NotificationBacklog(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.log.Error().Err(err).Msg("notification backlog unreadable")
		}
		return
	}
	for ch, n := range backlog {
		if n > w.o.MaxPending {
			w.evict(ctx, ch, n-w.o.MaxPending, fmt.Sprintf("more than %d notifications waiting", w.o.MaxPending))
		}
		if _, ok := w.o.Channels[ch]; !ok {
			// Another instance may have this channel configured (a rolling
			// change); leave its rows to it, and give up only those older
			// than RetryFor, so a removed channel's rows do not stay forever.
			w.evict(ctx, ch, w.o.MaxPending, "channel not configured")
			continue
		}
		w.mu.Lock()
		if w.busy[ch] {
			w.again[ch] = true
			w.mu.Unlock()
			continue
		}
		w.busy[ch] = true
		w.mu.Unlock()
		w.wg.Add(1)
		go w.drain(ctx, ch)
	}
}

// drain sends a channel's rows oldest first until none is due, ours to
// take, or the channel fails.
func (w *Worker) drain(ctx context.Context, ch string) {
	defer w.wg.Done()
	for {
		more, err := w.next(ctx, ch)
		if err != nil && ctx.Err() == nil {
			w.log.Error().Err(err).Str("channel", ch).Msg("notification outbox unreadable")
		}
		w.mu.Lock()
		if more || (err == nil && w.again[ch] && ctx.Err() == nil) {
			w.again[ch] = false
			w.mu.Unlock()
			continue
		}
		delete(w.busy, ch)
		delete(w.again, ch)
		w.mu.Unlock()
		return
	}
}

// next handles the channel's oldest row; more tells whether to go on at
// once (it was delivered or given up).
func (w *Worker) next(ctx context.Context, ch string) (more bool, err error) {
	heads, err := w.o.Store.OldestNotifications(ctx, ch, 1)
	if err != nil || len(heads) == 0 {
		return false, err
	}
	n, now := heads[0], w.o.Clock.Now()
	if n.NextAt.After(now) || !n.ClaimedUntil.Before(now) {
		return false, nil // backing off, or another instance is sending it
	}
	won, err := w.o.Store.ClaimNotification(ctx, n.ID, w.o.Owner, now, now.Add(w.o.Lease))
	if err != nil || !won {
		return false, err
	}
	n.Attempts++
	sendErr := w.send(ctx, ch, n)
	if ctx.Err() != nil {
		return false, nil // shutting down: the lease runs out and the row is sent again
	}
	if sendErr == nil {
		return true, w.finish(ctx, n, incident.ActionNotified, fmt.Sprintf("%s: %s to %s", ch, n.Event, n.Rung))
	}
	now = w.o.Clock.Now()
	if now.Sub(n.Created) >= w.o.RetryFor {
		w.log.Error().Err(sendErr).Str("channel", ch).Str("incident", n.IncidentID).Str("event", n.Event).
			Int("attempts", n.Attempts).Msg("notification given up")
		return true, w.finish(ctx, n, incident.ActionNotifyFailed,
			fmt.Sprintf("%s: %s to %s given up after %d attempts: %v", ch, n.Event, n.Rung, n.Attempts, sendErr))
	}
	w.log.Warn().Err(sendErr).Str("channel", ch).Str("incident", n.IncidentID).Int("attempts", n.Attempts).Msg("notification failed; will retry")
	return false, w.o.Store.RetryNotification(ctx, n.ID, w.o.Owner, now.Add(w.backoff(n.Attempts)), truncate(sendErr.Error(), 500))
}

// send delivers one row within Timeout.
func (w *Worker) send(ctx context.Context, ch string, n store.Notification) error {
	c := w.o.Channels[ch]
	m, err := Decode(n.Body)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, w.o.Timeout)
	defer cancel()
	return c.Send(ctx, m)
}

// finish deletes the row and records its end as a step of the incident.
func (w *Worker) finish(ctx context.Context, n store.Notification, action, detail string) error {
	st := incident.Step{IncidentID: n.IncidentID, At: w.o.Clock.Now(), Actor: incident.ActorSystem, Action: action, Detail: detail}
	return w.o.Store.Tx(ctx, func(q store.Queries) error {
		_, err := q.FinishNotification(ctx, n.ID, w.o.Owner, st)
		return err
	})
}

// evict gives up a channel's k oldest rows not leased by anyone; for
// "channel not configured", only those older than RetryFor.
func (w *Worker) evict(ctx context.Context, ch string, k int, why string) {
	list, err := w.o.Store.OldestNotifications(ctx, ch, k)
	if err != nil {
		w.log.Error().Err(err).Str("channel", ch).Msg("notification outbox unreadable")
		return
	}
	now := w.o.Clock.Now()
	for _, n := range list {
		if n.ClaimedUntil.After(now) {
			continue
		}
		if _, ok := w.o.Channels[ch]; !ok && now.Sub(n.Created) < w.o.RetryFor {
			return
		}
		detail := fmt.Sprintf("%s: %s to %s given up: %s (last error: %s)", ch, n.Event, n.Rung, why, n.LastError)
		st := incident.Step{IncidentID: n.IncidentID, At: now, Actor: incident.ActorSystem, Action: incident.ActionNotifyFailed, Detail: detail}
		err := w.o.Store.Tx(ctx, func(q store.Queries) error {
			_, err := q.FinishNotification(ctx, n.ID, "", st)
			return err
		})
		if err != nil {
			w.log.Error().Err(err).Str("channel", ch).Msg("notification eviction failed")
			return
		}
		w.log.Error().Str("channel", ch).Str("incident", n.IncidentID).Str("event", n.Event).Str("why", why).
			Msg("notification given up")
	}
}

// backoff is the delay before attempt+1: Backoff doubled per attempt, up
// to MaxBackoff.
func (w *Worker) backoff(attempts int) time.Duration {
	d := w.o.Backoff
	for range attempts - 1 {
		if d >= w.o.MaxBackoff/2 {
			return w.o.MaxBackoff
		}
		d *= 2
	}
	return min(d, w.o.MaxBackoff)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
