// Package service is tgdispatch's desk: it turns what terminals publish
// (alerts, status, session records, configuration state) into incidents in
// the store, applies guards' steps, climbs the escalation ladder on time,
// tells the terminal each step (so the customer's screen says help is
// coming) and tells open consoles what changed.
//
// Every change is made in one store transaction that first records the
// message id, so a message delivered twice, or to two instances, is
// handled once; a change that lost a race to another instance is retried
// from a fresh read.
package service

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/dispatch/feed"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/store"
)

// Publisher sends a dispatch message to a terminal's dispatch topic
// (CONTRACT §4, QoS 1, not retained). It may block until the broker
// acknowledges, bounded by its own timeout; it is called concurrently.
type Publisher interface {
	Dispatch(ctx context.Context, site, terminal string, d envelope.Dispatch) error
}

// Options configure a Service. Store and Publisher are required.
type Options struct {
	Store        *store.Store
	Publisher    Publisher
	Feed         *feed.Hub   // nil: nobody is told
	Clock        clock.Clock // nil: the wall clock
	Ladder       incident.Ladder
	FollowWindow time.Duration // 0: follow-the-victim off
	Tick         time.Duration // escalation check period; default 1 s
	// Peers: other instances share the store (PostgreSQL); poll it so
	// consoles here also see what they handled.
	Peers bool
	// KeepMessages is how long message ids are kept for de-duplication;
	// default 30 days (an agent's outbox may hold messages through a long
	// outage).
	KeepMessages time.Duration
	// SigningKey signs every dispatch (CONTRACT §12, tgdispatch
	// --signing-key). Without it dispatch goes out unsigned and every
	// terminal ignores it; New logs that loudly.
	SigningKey ed25519.PrivateKey
	Notify     Notifications // the notification outbox (CONTRACT §10)
	Log        zerolog.Logger
}

// Service is the desk. Its methods are safe for concurrent use.
type Service struct {
	o        Options
	st       *store.Store
	log      zerolog.Logger
	enqueued atomic.Int64 // notification rows written since the last wake
}

// retries bounds how often a change that lost a race is tried again.
const retries = 5

// errRace means another instance wrote first; the transaction is retried.
var errRace = errors.New("service: lost a race")

// New builds a Service.
func New(o Options) (*Service, error) {
	if o.Store == nil || o.Publisher == nil {
		return nil, errors.New("service: store and publisher are required")
	}
	if err := o.Ladder.Validate(); err != nil {
		return nil, fmt.Errorf("service: %w", err)
	}
	if o.Clock == nil {
		o.Clock = clock.Real{}
	}
	if o.Feed == nil {
		o.Feed = &feed.Hub{}
	}
	if o.Tick <= 0 {
		o.Tick = time.Second
	}
	if o.KeepMessages <= 0 {
		o.KeepMessages = 30 * 24 * time.Hour
	}
	s := &Service{o: o, st: o.Store, log: o.Log.With().Str("component", "service").Logger()}
	s.warnUnsigned()
	return s, nil
}

// Ladder is the escalation policy in force.
func (s *Service) Ladder() incident.Ladder { return s.o.Ladder }

// tx runs fn in a transaction, again from the start when it lost a race.
func (s *Service) tx(ctx context.Context, fn func(q store.Queries) error) error {
	var err error
	for range retries {
		err = s.st.Tx(ctx, fn)
		if err == nil {
			s.wakeNotify()
		}
		if !errors.Is(err, errRace) && !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("service: gave up after %d tries: %w", retries, err)
}

// Run checks escalations every Tick (and, with Peers, follows the other
// instances' changes) until ctx ends.
func (s *Service) Run(ctx context.Context) error {
	t := time.NewTicker(s.o.Tick)
	defer t.Stop()
	var f follower
	var purged time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if now := s.o.Clock.Now(); now.Sub(purged) >= time.Hour {
			purged = now
			s.purge(ctx, now)
		}
		if err := s.Escalate(ctx); err != nil && ctx.Err() == nil {
			s.log.Error().Err(err).Msg("escalation pass failed")
		}
		if s.o.Peers {
			if err := f.poll(ctx, s); err != nil && ctx.Err() == nil {
				s.log.Error().Err(err).Msg("peer poll failed")
			}
		}
	}
}

// purge forgets message ids older than KeepMessages.
func (s *Service) purge(ctx context.Context, now time.Time) {
	n, err := s.st.PurgeMessages(ctx, now.Add(-s.o.KeepMessages))
	if err != nil && ctx.Err() == nil {
		s.log.Error().Err(err).Msg("message purge failed")
	} else if n > 0 {
		s.log.Info().Int64("messages", n).Msg("old message ids purged")
	}
}

// notify tells the consoles about an incident step.
func (s *Service) notify(i *incident.Incident, action string) {
	s.o.Feed.Publish(feed.Event{Kind: "incident", ID: i.ID, AlertID: i.AlertID, Site: i.Site, Terminal: i.Terminal,
		Action: action, Level: i.Level, State: i.State})
}

// follower publishes feed events for incidents other instances changed.
type follower struct {
	since time.Time
	seen  map[string]int
}

func (f *follower) poll(ctx context.Context, s *Service) error {
	if f.seen == nil || len(f.seen) > 50000 {
		f.seen = map[string]int{}
	}
	if f.since.IsZero() {
		f.since = s.o.Clock.Now()
	}
	list, err := s.st.UpdatedSince(ctx, f.since.Add(-2*time.Second), 1000)
	if err != nil {
		return err
	}
	for n := range list {
		i := &list[n]
		if f.seen[i.ID] >= i.Version {
			continue
		}
		f.seen[i.ID] = i.Version
		action := "changed"
		if i.Version == 1 {
			action = incident.ActionRaised
		}
		// every instance polls for itself: not relayed to the others
		s.o.Feed.PublishLocal(feed.Event{Kind: "incident", ID: i.ID, AlertID: i.AlertID, Site: i.Site, Terminal: i.Terminal,
			Action: action, Level: i.Level, State: i.State})
		if i.Updated.After(f.since) {
			f.since = i.Updated
		}
	}
	return nil
}
