package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/report"
)

// EffectIncidents lists the incidents created in [from, to) at the given
// sites with only the fields report.Effectiveness reads (site, reasons'
// rules, state, outcome, hold, amount, transaction state and the claim
// and arrival times): a month of 100,000 incidents is read in a fraction
// of the time IncidentsBetween takes.
func (q Queries) EffectIncidents(ctx context.Context, from, to time.Time, sites []string) ([]incident.Incident, error) {
	where, args := siteFilter(sites)
	args = append([]any{ms(from), ms(to)}, args...)
	rows, err := q.query(ctx, `SELECT site, reasons, state, outcome, held, held_ever, amount_minor, currency, txn_state,
		created, claimed_at, arrived_at FROM incidents WHERE created >= ? AND created < ?`+where+` ORDER BY created, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: query incidents: %w", err)
	}
	defer rows.Close()
	var out []incident.Incident
	rules := map[string][]envelope.Reason{} // one slice per distinct reasons text
	for rows.Next() {
		var i incident.Incident
		var reasons string
		var held, heldEver int
		var created, claimed, arrived int64
		if err := rows.Scan(&i.Site, &reasons, &i.State, &i.Outcome, &held, &heldEver, &i.AmountMinor, &i.Currency,
			&i.TxnState, &created, &claimed, &arrived); err != nil {
			return nil, fmt.Errorf("store: scan incident: %w", err)
		}
		rs, ok := rules[reasons]
		if !ok {
			var full []envelope.Reason
			if err := json.Unmarshal([]byte(reasons), &full); err != nil {
				return nil, fmt.Errorf("store: decode reasons: %w", err)
			}
			for _, r := range full {
				rs = append(rs, envelope.Reason{Rule: r.Rule})
			}
			rules[reasons] = rs
		}
		i.Reasons, i.Held, i.HeldEver = rs, held == 1, heldEver == 1
		i.Created, i.ClaimedAt, i.ArrivedAt = tm(created), tm(claimed), tm(arrived)
		out = append(out, i)
	}
	return out, rows.Err()
}

// ChoiceCounts counts the session records published in [from, to) at the
// given sites (all when nil) by site and choice.
func (q Queries) ChoiceCounts(ctx context.Context, from, to time.Time, sites []string) ([]report.ChoiceCount, error) {
	where, args := siteFilter(sites)
	args = append([]any{ms(from), ms(to)}, args...)
	rows, err := q.query(ctx, `SELECT site, choice, COUNT(*) FROM session_records WHERE ts >= ? AND ts < ?`+where+
		` GROUP BY site, choice ORDER BY site, choice`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: count choices: %w", err)
	}
	defer rows.Close()
	var out []report.ChoiceCount
	for rows.Next() {
		var c report.ChoiceCount
		if err := rows.Scan(&c.Site, &c.Choice, &c.N); err != nil {
			return nil, fmt.Errorf("store: scan choices: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SessionRecordsBetween streams the session records published in
// [from, to) at the given sites, oldest first, to fn: each body as
// stored (the JSON an agent published) with the outcome of its alert's
// incident ("" when there is none or it is open).
func (q Queries) SessionRecordsBetween(ctx context.Context, from, to time.Time, sites []string, fn func(body, outcome string) error) error {
	where, args := siteFilter(sites)
	args = append([]any{ms(from), ms(to)}, args...)
	rows, err := q.query(ctx, `SELECT s.body, COALESCE(i.outcome, '') FROM session_records s
		LEFT JOIN incidents i ON i.alert_id = s.alert_id AND s.alert_id <> ''
		WHERE s.ts >= ? AND s.ts < ?`+strings.ReplaceAll(where, "site", "s.site")+` ORDER BY s.ts, s.id`, args...)
	if err != nil {
		return fmt.Errorf("store: query session records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var body, outcome string
		if err := rows.Scan(&body, &outcome); err != nil {
			return fmt.Errorf("store: scan session record: %w", err)
		}
		if err := fn(strings.TrimSpace(body), outcome); err != nil {
			return err
		}
	}
	return rows.Err()
}
