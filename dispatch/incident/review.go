package incident

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// A review is what a supervisor records after an incident is resolved: a
// follow-up (the customer was called back, a police report number, money
// recovered) and an evaluation of how the response went. Both are steps
// of the story as well. It is not KindFollowUp, the incident tgdispatch
// opens when a held victim turns up at another terminal.

// Review actions recorded as steps.
const (
	ActionFollowedUp = "followed_up"
	ActionEvaluated  = "evaluated"
)

// Ratings of a response.
const (
	RatingGood     = "good"
	RatingAdequate = "adequate"
	RatingPoor     = "poor"
)

// Ratings lists the ratings in the order a console offers them.
var Ratings = []string{RatingGood, RatingAdequate, RatingPoor}

// ErrRating is returned for a rating that is not one of Ratings.
var ErrRating = errors.New("incident: rating must be good, adequate or poor")

// ErrNotResolved is returned for a review of an incident still open.
var ErrNotResolved = errors.New("incident: only a resolved incident can be followed up or evaluated")

// Review is one incident's follow-up and evaluation; zero times mean not
// yet recorded. A later follow-up or evaluation replaces the earlier one
// (the story keeps both).
type Review struct {
	IncidentID     string
	FollowedAt     time.Time
	FollowedBy     string
	CalledBack     bool
	PoliceReport   string
	RecoveredMinor int64
	FollowNote     string
	EvaluatedAt    time.Time
	EvaluatedBy    string
	Rating         string
	EvalNote       string
}

// FollowUp is what a supervisor learnt after the incident.
type FollowUp struct {
	CalledBack     bool
	PoliceReport   string
	RecoveredMinor int64
	Note           string
}

// RecordFollowUp records f on the review of a resolved incident.
func (r *Review) RecordFollowUp(i *Incident, by string, f FollowUp, now time.Time) (Step, error) {
	if i.Open() {
		return Step{}, ErrNotResolved
	}
	if by == "" || f.RecoveredMinor < 0 {
		return Step{}, fmt.Errorf("follow-up of %s: a supervisor and a recovered amount ≥ 0 are needed", i.ID)
	}
	r.IncidentID, r.FollowedAt, r.FollowedBy = i.ID, now, by
	r.CalledBack, r.PoliceReport, r.RecoveredMinor, r.FollowNote = f.CalledBack, f.PoliceReport, f.RecoveredMinor, f.Note
	var parts []string
	if f.CalledBack {
		parts = append(parts, "called back")
	}
	if f.PoliceReport != "" {
		parts = append(parts, "police report "+f.PoliceReport)
	}
	if f.RecoveredMinor > 0 {
		parts = append(parts, fmt.Sprintf("recovered %d.%02d", f.RecoveredMinor/100, f.RecoveredMinor%100))
	}
	if f.Note != "" {
		parts = append(parts, f.Note)
	}
	return i.step(now, by, ActionFollowedUp, strings.Join(parts, "; ")), nil
}

// Evaluate records a rating of the response, with an optional note.
func (r *Review) Evaluate(i *Incident, by, rating, note string, now time.Time) (Step, error) {
	if i.Open() {
		return Step{}, ErrNotResolved
	}
	if !slices.Contains(Ratings, rating) {
		return Step{}, ErrRating
	}
	if by == "" {
		return Step{}, fmt.Errorf("evaluation of %s: a supervisor is needed", i.ID)
	}
	r.IncidentID, r.EvaluatedAt, r.EvaluatedBy, r.Rating, r.EvalNote = i.ID, now, by, rating, note
	return i.step(now, by, ActionEvaluated, rating+optional(": ", note)), nil
}

// NeedsFollowUp tells whether a resolved incident is owed a follow-up:
// an agent's alert that ended with fraud stopped or a customer who went
// on anyway (someone should call them), resolved at least after ago, and
// not followed up. after ≤ 0 switches the list off.
func NeedsFollowUp(i *Incident, r Review, after time.Duration, now time.Time) bool {
	if after <= 0 || i.Open() || !i.FromAgent() || !r.FollowedAt.IsZero() {
		return false
	}
	if i.Outcome != OutcomeFraudStopped && i.Outcome != OutcomeCustomerProceeded {
		return false
	}
	return !i.ResolvedAt.Add(after).After(now)
}
