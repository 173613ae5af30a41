package feed

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"
	"github.com/transferguard/transferguard/internal/ctxtime"
)

// PG carries events between instances that share a PostgreSQL database:
// what one instance publishes is sent with NOTIFY on one channel, and every
// other instance LISTENs and hands it to its own consoles. A change made on
// instance A so reaches a console connected to instance B within
// milliseconds, without polling.
//
// Delivery is best effort, as NOTIFY is: an instance whose listening
// connection is down misses what was said meanwhile (its consoles reload
// the list when they reconnect, and the service's one-second poll of the
// store, kept as a safety net, catches every change anyway).
type PG struct {
	dsn    string
	origin string // this process, so it ignores its own notifications
	out    chan Event
	hub    *Hub
	log    zerolog.Logger
}

// pgChannel is the NOTIFY channel of console events.
const pgChannel = "tg_feed"

// pgBuffer bounds events waiting to be sent; beyond it they are dropped
// (the poll still brings them) rather than block a guard's step.
const pgBuffer = 1024

// wire is a notification's payload: who said it, and the event.
type wireEvent struct {
	Origin string `json:"o"`
	Event  Event  `json:"e"`
}

// NewPG relays hub's events through the database at dsn (postgres://…)
// and delivers the other instances' events to hub. Call Run to start it.
func NewPG(dsn string, hub *Hub, log zerolog.Logger) *PG {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	p := &PG{dsn: dsn, origin: hex.EncodeToString(b), out: make(chan Event, pgBuffer), hub: hub,
		log: log.With().Str("component", "feed-pg").Logger()}
	hub.Relay(p.send)
	return p
}

// send queues an event for the other instances without blocking.
func (p *PG) send(e Event) {
	select {
	case p.out <- e:
	default:
		p.log.Warn().Str("incident", e.ID).Msg("feed relay queue full: event left to the poll")
	}
}

// Run listens and sends until ctx ends, reconnecting after a failure.
func (p *PG) Run(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.forever(ctx, "send", p.sendLoop)
	}()
	p.forever(ctx, "listen", p.listenLoop)
	<-done
	return nil
}

// forever runs loop again a second after each failure until ctx ends.
func (p *PG) forever(ctx context.Context, what string, loop func(context.Context, *pgx.Conn) error) {
	for ctx.Err() == nil {
		conn, err := pgx.Connect(ctx, p.dsn)
		if err == nil {
			err = loop(ctx, conn)
			cctx, cancel := context.WithTimeout(context.Background(), time.Second)
			_ = conn.Close(cctx)
			cancel()
		}
		if ctx.Err() != nil {
			return
		}
		p.log.Warn().Err(err).Str("loop", what).Msg("feed relay connection lost; reconnecting")
		ctxtime.Sleep(ctx, time.Second) // the loop sees a cancel
	}
}

// listenLoop delivers the other instances' notifications to the hub.
func (p *PG) listenLoop(ctx context.Context, conn *pgx.Conn) error {
	if _, err := conn.Exec(ctx, "LISTEN "+pgChannel); err != nil {
		return fmt.Errorf("feed: listen: %w", err)
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("feed: wait for notification: %w", err)
		}
		var w wireEvent
		if err := json.Unmarshal([]byte(n.Payload), &w); err != nil {
			p.log.Warn().Err(err).Msg("feed relay: unreadable notification ignored")
			continue
		}
		if w.Origin != p.origin {
			p.hub.deliver(w.Event)
		}
	}
}

// sendLoop NOTIFYs each queued event.
func (p *PG) sendLoop(ctx context.Context, conn *pgx.Conn) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case e := <-p.out:
			b, _ := json.Marshal(wireEvent{Origin: p.origin, Event: e})
			if _, err := conn.Exec(ctx, "SELECT pg_notify($1, $2)", pgChannel, string(b)); err != nil {
				return fmt.Errorf("feed: notify: %w", err)
			}
		}
	}
}
