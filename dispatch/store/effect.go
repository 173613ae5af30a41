package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/transferguard/transferguard/dispatch/report"
)

// RuleCounts groups the incidents created in [from, to) at the given
// sites (all when nil) by rule, site, state and outcome, in SQL over
// incident_rules (effect_rules.go).
func (q Queries) RuleCounts(ctx context.Context, from, to time.Time, sites []string) ([]report.RuleCount, error) {
	where, args := siteFilter(sites)
	args = append([]any{ms(from), ms(to)}, args...)
	rows, err := q.query(ctx, `SELECT rule, site, is_open, outcome, COUNT(*), CAST(SUM(held_minor) AS BIGINT),
		CAST(SUM(protected_minor) AS BIGINT), COUNT(claim_s), COUNT(arrive_s) FROM incident_rules
		WHERE created >= ? AND created < ?`+where+` GROUP BY rule, site, is_open, outcome`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: count rules: %w", err)
	}
	defer rows.Close()
	var out []report.RuleCount
	for rows.Next() {
		var c report.RuleCount
		var open int
		if err := rows.Scan(&c.Rule, &c.Site, &open, &c.Outcome, &c.N, &c.HeldMinor, &c.ProtectedMinor, &c.Claimed, &c.Arrived); err != nil {
			return nil, fmt.Errorf("store: scan rule count: %w", err)
		}
		c.Open = open == 1
		out = append(out, c)
	}
	return out, rows.Err()
}

// medianQuery finds, per rule and site and per rule over all sites, the
// median seconds to claim (arrive 0) and to arrive (arrive 1): it counts
// the incidents at each whole second (h), adds the sites together for
// report.AllSites (a), and takes the first second where the running count
// passes half the total — the upper middle of an even count, as
// report.RuleMedians says. Only a histogram leaves the scan, never a row
// per incident. %s is the site filter.
const medianQuery = `WITH d AS (SELECT rule, site, claim_s, arrive_s FROM incident_rules WHERE created >= ? AND created < ?%s),
	h AS (SELECT rule, site, 0 AS arrive, claim_s AS s, COUNT(*) AS n FROM d WHERE claim_s IS NOT NULL GROUP BY rule, site, claim_s
		UNION ALL SELECT rule, site, 1, arrive_s, COUNT(*) FROM d WHERE arrive_s IS NOT NULL GROUP BY rule, site, arrive_s),
	a AS (SELECT rule, site, arrive, s, n FROM h
		UNION ALL SELECT rule, CAST(? AS TEXT), arrive, s, SUM(n) FROM h GROUP BY rule, arrive, s),
	c AS (SELECT rule, site, arrive, s, SUM(n) OVER (PARTITION BY rule, site, arrive ORDER BY s) AS upto,
		SUM(n) OVER (PARTITION BY rule, site, arrive) AS total FROM a)
	SELECT rule, site, arrive, MIN(s) FROM c WHERE upto > total / 2 GROUP BY rule, site, arrive`

// RuleMedians computes the median times to claim and to arrive of the
// incidents created in [from, to) at the given sites (all when nil), per
// rule and site and per rule over those sites (report.AllSites), in SQL.
func (q Queries) RuleMedians(ctx context.Context, from, to time.Time, sites []string) ([]report.RuleMedians, error) {
	where, args := siteFilter(sites)
	args = append(append([]any{ms(from), ms(to)}, args...), report.AllSites)
	rows, err := q.query(ctx, fmt.Sprintf(medianQuery, where), args...)
	if err != nil {
		return nil, fmt.Errorf("store: rule medians: %w", err)
	}
	defer rows.Close()
	type key struct{ rule, site string }
	by := map[key]*report.RuleMedians{}
	var out []report.RuleMedians
	for rows.Next() {
		var k key
		var arrive int
		var s report.Seconds
		if err := rows.Scan(&k.rule, &k.site, &arrive, &s); err != nil {
			return nil, fmt.Errorf("store: scan rule median: %w", err)
		}
		m := by[k]
		if m == nil {
			m = &report.RuleMedians{Rule: k.rule, Site: k.site}
			by[k] = m
		}
		if arrive == 1 {
			m.ArriveP50 = s
		} else {
			m.ClaimP50 = s
		}
	}
	for _, m := range by {
		out = append(out, *m)
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
