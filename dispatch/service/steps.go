package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/store"
)

type timeT = time.Time

// ErrNotFound is returned for an incident id that does not exist.
var ErrNotFound = store.ErrNotFound

// Claim records that guard is on the way (eta in seconds, 0 unknown) and
// tells the terminal.
func (s *Service) Claim(ctx context.Context, id, guard string, etaS int) (incident.Incident, error) {
	return s.act(ctx, id, wire.DispatchClaimed, func(i *incident.Incident, now time.Time) (incident.Step, error) {
		return i.Claim(guard, etaS, now)
	})
}

// Arrive records that guard reached the customer and tells the terminal.
func (s *Service) Arrive(ctx context.Context, id, guard string) (incident.Incident, error) {
	return s.act(ctx, id, wire.DispatchArrived, func(i *incident.Incident, now time.Time) (incident.Step, error) {
		return i.Arrive(guard, now)
	})
}

// Resolve closes the incident with an outcome and note and tells the
// terminal, which releases its hold.
func (s *Service) Resolve(ctx context.Context, id, actor, outcome, note string) (incident.Incident, error) {
	return s.act(ctx, id, wire.DispatchResolved, func(i *incident.Incident, now time.Time) (incident.Step, error) {
		return i.Resolve(actor, outcome, note, now)
	})
}

// act applies one guard step in a transaction, then publishes it to the
// terminal (for incidents that stand for an agent's alert) and the consoles.
func (s *Service) act(ctx context.Context, id string, state wire.DispatchState, fn func(*incident.Incident, time.Time) (incident.Step, error)) (incident.Incident, error) {
	var out incident.Incident
	var step incident.Step
	err := s.tx(ctx, func(q store.Queries) error {
		i, err := q.Incident(ctx, id)
		if err != nil {
			return err
		}
		now := s.o.Clock.Now()
		if step, err = fn(&i, now); err != nil {
			return err
		}
		s.o.Ladder.Advance(&i, now)
		if err := q.UpdateIncident(ctx, &i, step); err != nil {
			return err
		}
		out = i
		return s.enqueue(ctx, q, &i, step)
	})
	if err != nil {
		return out, fmt.Errorf("service: %s %s: %w", state, id, err)
	}
	s.log.Info().Str("incident", id).Str("action", step.Action).Str("actor", step.Actor).Msg("incident step")
	s.notify(&out, step.Action)
	if out.FromAgent() {
		d := envelope.Dispatch{AlertID: out.AlertID, State: state, Guard: step.Actor, GuardName: s.displayName(ctx, step.Actor)}
		if state == wire.DispatchClaimed {
			d.ETAS = out.ETAS
		}
		d, err = s.sign(d, out.Site, out.Terminal)
		if err != nil {
			return out, fmt.Errorf("service: %s %s recorded but not sent: %w", state, id, err)
		}
		if err := s.o.Publisher.Dispatch(ctx, out.Site, out.Terminal, d); err != nil {
			s.log.Error().Err(err).Str("incident", id).Str("state", string(state)).Msg("dispatch publish failed")
			return out, fmt.Errorf("service: %s %s recorded but not yet sent to the terminal: %w", state, id, err)
		}
	}
	return out, nil
}

// displayName is the name the customer is told for a guard (CONTRACT §7):
// the account's display name, or "" — never the login name — when it has
// none or cannot be read (the dispatch still goes out).
func (s *Service) displayName(ctx context.Context, user string) string {
	u, err := s.st.User(ctx, user)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.Warn().Err(err).Str("user", user).Msg("display name unreadable; dispatch sent without it")
		}
		return ""
	}
	return u.DisplayName
}

// Escalate applies every escalation due now. Two instances may run it at
// once: the one that loses the race re-reads and finds nothing left to do.
func (s *Service) Escalate(ctx context.Context) error {
	due, err := s.st.DueIncidents(ctx, s.o.Clock.Now())
	if err != nil {
		return err
	}
	for _, d := range due {
		var steps []incident.Step
		var out incident.Incident
		err := s.tx(ctx, func(q store.Queries) error {
			i, err := q.Incident(ctx, d.ID)
			if err != nil {
				return err
			}
			before := i.Due
			steps = s.o.Ladder.Advance(&i, s.o.Clock.Now())
			if len(steps) == 0 && i.Due.Equal(before) {
				return nil
			}
			out = i
			if err := q.UpdateIncident(ctx, &i, steps...); err != nil {
				return err
			}
			return s.enqueue(ctx, q, &i, steps...)
		})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("service: escalate %s: %w", d.ID, err)
		}
		for _, st := range steps {
			s.log.Warn().Str("incident", d.ID).Str("action", st.Action).Str("detail", st.Detail).Msg("incident escalated")
		}
		if len(steps) > 0 {
			s.notify(&out, steps[len(steps)-1].Action)
		}
	}
	return nil
}
