package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/dispatch/feed"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/ingest"
	"github.com/transferguard/transferguard/dispatch/store"
)

// HandleAlert turns an alert or alert_update into an incident, or folds it
// into the incident of its alert_id. A message id seen before is dropped.
// A held card or payee seen at another terminal within the follow window
// raises a follow-up incident as well.
func (s *Service) HandleAlert(ctx context.Context, a envelope.Alert) error {
	if err := validAlert(a); err != nil {
		return err
	}
	var ch changes
	err := s.tx(ctx, func(q store.Queries) error {
		ch = changes{}
		return s.applyAlert(ctx, q, a, &ch)
	})
	if err != nil {
		return fmt.Errorf("service: alert %s: %w", a.ID, err)
	}
	s.announce(&ch)
	return nil
}

// validAlert refuses an alert no transaction should see, for good: the
// broker is told it was handled (ingest.ErrRejected).
func validAlert(a envelope.Alert) error {
	if err := incident.ValidateAlert(a); err != nil {
		return fmt.Errorf("service: alert %s: %w (%w)", a.ID, err, ingest.ErrRejected)
	}
	return nil
}

// changes are what a transaction wrote, to announce after commit: the
// incidents with their step, and terminals whose status or configuration
// changed.
type changes struct {
	incidents []*incident.Incident
	actions   []string
	terminals []feed.Event
}

func (c *changes) add(i *incident.Incident, action string) {
	c.incidents, c.actions = append(c.incidents, i), append(c.actions, action)
}

// announce tells consoles and the log what a committed transaction changed.
func (s *Service) announce(ch *changes) {
	for _, e := range ch.terminals {
		s.o.Feed.Publish(e)
	}
	for n, i := range ch.incidents {
		s.notify(i, ch.actions[n])
		switch i.Kind {
		case incident.KindOffline, incident.KindLinkDown, incident.KindUIDown, incident.KindStorage:
			s.log.Info().Str("incident", i.ID).Str("site", i.Site).Str("terminal", i.Terminal).Str("kind", i.Kind).
				Str("action", ch.actions[n]).Msg("terminal health changed")
		default:
			if ch.actions[n] == incident.ActionRaised {
				s.log.Info().Str("incident", i.ID).Str("alert_id", i.AlertID).Str("site", i.Site).
					Str("terminal", i.Terminal).Str("kind", i.Kind).Str("level", i.Level).Msg("incident raised")
			}
		}
	}
}

// applyAlert is HandleAlert's transaction.
func (s *Service) applyAlert(ctx context.Context, q store.Queries, a envelope.Alert, ch *changes) error {
	now := s.o.Clock.Now()
	fresh, err := q.MarkSeen(ctx, a.ID, now)
	if err != nil || !fresh {
		return err
	}
	cur, err := q.IncidentByAlert(ctx, a.AlertID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if err == nil {
		step := cur.Fold(a, now)
		s.o.Ladder.Advance(&cur, now)
		if err := q.UpdateIncident(ctx, &cur, step); err != nil {
			return err
		}
		ch.add(&cur, incident.ActionUpdated)
		return s.sight(ctx, q, &cur)
	}
	i, step := incident.FromAlert(store.NewID(), a, now)
	s.o.Ladder.Advance(&i, now)
	created, err := q.CreateIncident(ctx, &i, step)
	if err != nil {
		return err
	}
	if !created {
		return errRace // another instance opened it meanwhile: fold into theirs
	}
	if err := s.enqueue(ctx, q, &i, step); err != nil {
		return err
	}
	ch.add(&i, incident.ActionRaised)
	f, err := s.follow(ctx, q, &i, now)
	if f != nil {
		ch.add(f, incident.ActionRaised)
	}
	return err
}

// follow looks for the new incident's keys held at another terminal within
// the window; on a match it opens the follow-up incident. It records the
// incident's own sightings either way.
func (s *Service) follow(ctx context.Context, q store.Queries, i *incident.Incident, now timeT) (*incident.Incident, error) {
	keys := i.Keys()
	if len(keys) == 0 || s.o.FollowWindow <= 0 {
		return nil, s.sight(ctx, q, i)
	}
	prior, err := q.Sightings(ctx, keys, now.Add(-s.o.FollowWindow))
	if err != nil {
		return nil, err
	}
	if err := s.sight(ctx, q, i); err != nil {
		return nil, err
	}
	match, ok := incident.FollowMatch(i, prior, s.o.FollowWindow, now)
	if !ok {
		return nil, nil
	}
	f, step := incident.FromFollow(store.NewID(), i, match, now)
	s.o.Ladder.Advance(&f, now)
	created, err := q.CreateIncident(ctx, &f, step)
	if err != nil || !created {
		return nil, err
	}
	return &f, s.enqueue(ctx, q, &f, step)
}

// sight records the incident's card and payee keys.
func (s *Service) sight(ctx context.Context, q store.Queries, i *incident.Incident) error {
	for _, k := range i.Keys() {
		if err := q.AddSighting(ctx, incident.Sighting{Key: k, Site: i.Site, Terminal: i.Terminal,
			IncidentID: i.ID, Held: i.Held, At: i.Created}); err != nil {
			return err
		}
	}
	return nil
}
