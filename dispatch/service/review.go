package service

import (
	"context"
	"fmt"
	"time"

	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/store"
)

// FollowUp records a supervisor's follow-up of a resolved incident: a
// step of its story and the review's fields. Nothing goes to the
// terminal: the customer left long ago.
func (s *Service) FollowUp(ctx context.Context, id, actor string, f incident.FollowUp) (incident.Review, error) {
	return s.review(ctx, id, func(r *incident.Review, i *incident.Incident, now time.Time) (incident.Step, error) {
		return r.RecordFollowUp(i, actor, f, now)
	})
}

// Evaluate records a supervisor's rating of the response to a resolved
// incident.
func (s *Service) Evaluate(ctx context.Context, id, actor, rating, note string) (incident.Review, error) {
	return s.review(ctx, id, func(r *incident.Review, i *incident.Incident, now time.Time) (incident.Step, error) {
		return r.Evaluate(i, actor, rating, note, now)
	})
}

func (s *Service) review(ctx context.Context, id string, fn func(*incident.Review, *incident.Incident, time.Time) (incident.Step, error)) (incident.Review, error) {
	var out incident.Review
	var step incident.Step
	err := s.tx(ctx, func(q store.Queries) error {
		i, err := q.Incident(ctx, id)
		if err != nil {
			return err
		}
		r, err := q.Review(ctx, id)
		if err != nil {
			return err
		}
		if step, err = fn(&r, &i, s.o.Clock.Now()); err != nil {
			return err
		}
		out = r
		return q.PutReview(ctx, r, step)
	})
	if err != nil {
		return out, fmt.Errorf("service: review %s: %w", id, err)
	}
	s.log.Info().Str("incident", id).Str("action", step.Action).Str("actor", step.Actor).Msg("incident reviewed")
	return out, nil
}
