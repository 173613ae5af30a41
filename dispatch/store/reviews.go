package store

import (
	"context"
	"database/sql"

	"fmt"
	"strings"
	"time"

	"github.com/transferguard/transferguard/dispatch/incident"
)

const reviewCols = `incident_id, followed_at, followed_by, called_back, police_report, recovered_minor, follow_note,
	evaluated_at, evaluated_by, rating, eval_note`

// PutReview writes an incident's follow-up and evaluation (replacing the
// one before) with the steps that tell it.
func (q Queries) PutReview(ctx context.Context, r incident.Review, steps ...incident.Step) error {
	_, err := q.exec(ctx, `INSERT INTO reviews (`+reviewCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (incident_id) DO UPDATE SET followed_at = excluded.followed_at, followed_by = excluded.followed_by,
		called_back = excluded.called_back, police_report = excluded.police_report, recovered_minor = excluded.recovered_minor,
		follow_note = excluded.follow_note, evaluated_at = excluded.evaluated_at, evaluated_by = excluded.evaluated_by,
		rating = excluded.rating, eval_note = excluded.eval_note`,
		r.IncidentID, ms(r.FollowedAt), r.FollowedBy, b2i(r.CalledBack), r.PoliceReport, r.RecoveredMinor, r.FollowNote,
		ms(r.EvaluatedAt), r.EvaluatedBy, r.Rating, r.EvalNote)
	if err != nil {
		return fmt.Errorf("store: put review: %w", err)
	}
	return q.AddSteps(ctx, steps...)
}

// Review returns an incident's review; the zero Review (with the id) when
// there is none yet.
func (q Queries) Review(ctx context.Context, incidentID string) (incident.Review, error) {
	rows, err := q.query(ctx, `SELECT `+reviewCols+` FROM reviews WHERE incident_id = ?`, incidentID)
	if err != nil {
		return incident.Review{}, fmt.Errorf("store: query review: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return incident.Review{IncidentID: incidentID}, rows.Err()
	}
	return scanReview(rows)
}

// ReviewsBetween returns the reviews of the incidents created in
// [from, to) at the given sites, by incident id.
func (q Queries) ReviewsBetween(ctx context.Context, from, to time.Time, sites []string) (map[string]incident.Review, error) {
	where, args := siteFilter(sites)
	args = append([]any{ms(from), ms(to)}, args...)
	rows, err := q.query(ctx, `SELECT `+prefixCols("r.", reviewCols)+` FROM reviews r JOIN incidents i ON i.id = r.incident_id
		WHERE i.created >= ? AND i.created < ?`+strings.ReplaceAll(where, "site", "i.site"), args...)
	if err != nil {
		return nil, fmt.Errorf("store: query reviews: %w", err)
	}
	defer rows.Close()
	out := map[string]incident.Review{}
	for rows.Next() {
		r, err := scanReview(rows)
		if err != nil {
			return nil, err
		}
		out[r.IncidentID] = r
	}
	return out, rows.Err()
}

// ResolvedUnreviewed lists up to limit agent incidents resolved before t
// with an outcome that is owed a follow-up (incident.NeedsFollowUp
// decides) and no follow-up yet, at the given sites, oldest resolution
// first.
func (q Queries) ResolvedUnreviewed(ctx context.Context, before time.Time, sites []string, limit int) ([]incident.Incident, error) {
	where, args := siteFilter(sites)
	args = append([]any{ms(before), incident.OutcomeFraudStopped, incident.OutcomeCustomerProceeded}, args...)
	args = append(args, limit)
	return q.many(ctx, `SELECT `+prefixCols("i.", incidentCols)+` FROM incidents i LEFT JOIN reviews r ON r.incident_id = i.id
		WHERE i.state = 'resolved' AND i.resolved_at <= ? AND i.outcome IN (?, ?) AND (r.followed_at IS NULL OR r.followed_at = 0)`+
		strings.ReplaceAll(where, "site", "i.site")+` ORDER BY i.resolved_at, i.id LIMIT ?`, args...)
}

// prefixCols qualifies each column of a column list with p.
func prefixCols(p, cols string) string {
	list := strings.Split(strings.Join(strings.Fields(cols), ""), ",")
	for n, c := range list {
		list[n] = p + c
	}
	return strings.Join(list, ", ")
}

func scanReview(rows *sql.Rows) (incident.Review, error) {
	var r incident.Review
	var followed, evaluated int64
	var called int
	err := rows.Scan(&r.IncidentID, &followed, &r.FollowedBy, &called, &r.PoliceReport, &r.RecoveredMinor, &r.FollowNote,
		&evaluated, &r.EvaluatedBy, &r.Rating, &r.EvalNote)
	if err != nil {
		return r, fmt.Errorf("store: scan review: %w", err)
	}
	r.FollowedAt, r.EvaluatedAt, r.CalledBack = tm(followed), tm(evaluated), called == 1
	return r, nil
}
