package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/transferguard/transferguard/dispatch/report"
)

// The effectiveness page's reads. Each groups in the database and returns
// a few hundred rows at most, whatever the number of incidents: SQLite has
// no hash aggregation and would sort every row of a period, so the
// queries read incident_rules through indexes already in the order they
// group by (effect_rules.go), and choices from choice_counts.

// Effect reads the period's rule counts, medians and choice counts at
// sites, each grouped in the database, in one transaction so they see one
// snapshot, and sums them as the page, the export and the daily report
// show them. On PostgreSQL it asks for no parallel workers: each query
// reads a few tens of thousands of index entries, and starting workers
// for it cost more than it saved (a month's rule counts took 55–90 ms with
// a worker, 16 ms without, on the 2-core test machine).
func (s *Store) Effect(ctx context.Context, from, to time.Time, sites []string) (report.Effect, error) {
	var (
		counts  []report.RuleCount
		medians []report.RuleMedians
		choices []report.ChoiceCount
	)
	err := s.Tx(ctx, func(q Queries) (err error) {
		if q.d == Postgres {
			if _, err := q.exec(ctx, `SET LOCAL max_parallel_workers_per_gather = 0`); err != nil {
				return fmt.Errorf("store: effect reads: %w", err)
			}
		}
		if counts, err = q.RuleCounts(ctx, from, to, sites); err != nil {
			return err
		}
		if medians, err = q.RuleMedians(ctx, from, to, sites); err != nil {
			return err
		}
		choices, err = q.ChoiceCounts(ctx, from, to, sites)
		return err
	})
	if err != nil {
		return report.Effect{}, err
	}
	return report.Effectiveness(counts, medians, choices, from, to), nil
}

// periodArgs are the arguments of a query on incident_rules over
// [from, to): the buckets it touches, then the exact bounds, then the
// sites; where is the site filter.
func periodArgs(from, to time.Time, sites []string) (where string, args []any) {
	where, siteArgs := siteFilter(sites)
	f, t := ms(from), ms(to)
	return where, append([]any{f / bucketMS, (t - 1) / bucketMS, f, t}, siteArgs...)
}

// inPeriod is the WHERE of a query on incident_rules over periodArgs.
const inPeriod = `bucket >= ? AND bucket <= ? AND created >= ? AND created < ?`

// RuleCounts sums the incidents created in [from, to) at the given sites
// (all when nil) by rule, site, state and outcome, in SQL over
// incident_rules: one count per group and bucket the period touches, for
// report.Effectiveness to add up.
func (q Queries) RuleCounts(ctx context.Context, from, to time.Time, sites []string) ([]report.RuleCount, error) {
	query, args := ruleCountsSQL(from, to, sites)
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: count rules: %w", err)
	}
	defer rows.Close()
	var out []report.RuleCount
	for rows.Next() {
		var c report.RuleCount
		var open int
		var outcome string
		if err := rows.Scan(&c.Rule, &c.Site, &open, &outcome, &c.N, &c.HeldMinor, &c.ProtectedMinor, &c.Claimed, &c.Arrived); err != nil {
			return nil, fmt.Errorf("store: scan rule count: %w", err)
		}
		if open == 1 {
			c.Open = c.N
		} else {
			c.Outcomes = map[string]int{outcome: c.N}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ruleCountsSQL reads index incident_rules_counts in its order.
func ruleCountsSQL(from, to time.Time, sites []string) (string, []any) {
	where, args := periodArgs(from, to, sites)
	return `SELECT rule, site, is_open, outcome, COUNT(*), CAST(SUM(held_minor) AS BIGINT),
		CAST(SUM(protected_minor) AS BIGINT), COUNT(claim_s), COUNT(arrive_s) FROM incident_rules
		WHERE ` + inPeriod + where + ` GROUP BY bucket, rule, site, is_open, outcome`, args
}

// medianQuery finds, per rule and site and per rule over all sites, the
// median seconds to claim (arrive 0) and to arrive (arrive 1): it counts
// the incidents at each whole second (h, each branch read from its own
// index in its order), adds the buckets together (a) and the sites for
// report.AllSites, and takes the first second where the running count
// passes half the total — the upper middle of an even count, as
// report.RuleMedians says. Only a histogram leaves the scan, never a row
// per incident. %[1]s is the site filter; the period's arguments come
// twice.
const medianQuery = `WITH h AS (SELECT rule, site, 0 AS arrive, claim_s AS s, COUNT(*) AS n FROM incident_rules
		WHERE ` + inPeriod + `%[1]s AND claim_s IS NOT NULL GROUP BY bucket, rule, site, claim_s
	UNION ALL SELECT rule, site, 1, arrive_s, COUNT(*) FROM incident_rules
		WHERE ` + inPeriod + `%[1]s AND arrive_s IS NOT NULL GROUP BY bucket, rule, site, arrive_s),
	a AS (SELECT rule, site, arrive, s, SUM(n) AS n FROM h GROUP BY rule, site, arrive, s
		UNION ALL SELECT rule, CAST(? AS TEXT), arrive, s, SUM(n) FROM h GROUP BY rule, arrive, s),
	c AS (SELECT rule, site, arrive, s, SUM(n) OVER (PARTITION BY rule, site, arrive ORDER BY s) AS upto,
		SUM(n) OVER (PARTITION BY rule, site, arrive) AS total FROM a)
	SELECT rule, site, arrive, MIN(s) FROM c WHERE upto > total / 2 GROUP BY rule, site, arrive`

// RuleMedians computes the median times to claim and to arrive of the
// incidents created in [from, to) at the given sites (all when nil), per
// rule and site and per rule over those sites (report.AllSites), in SQL.
func (q Queries) RuleMedians(ctx context.Context, from, to time.Time, sites []string) ([]report.RuleMedians, error) {
	query, args := mediansSQL(from, to, sites)
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: rule medians: %w", err)
	}
	defer rows.Close()
	type key struct{ rule, site string }
	by := map[key]*report.RuleMedians{}
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
	out := make([]report.RuleMedians, 0, len(by))
	for _, m := range by {
		out = append(out, *m)
	}
	return out, rows.Err()
}

func mediansSQL(from, to time.Time, sites []string) (string, []any) {
	where, args := periodArgs(from, to, sites)
	return fmt.Sprintf(medianQuery, where), append(append(args, args...), report.AllSites)
}

// hourMS is an hour in milliseconds, choice_counts' unit.
const hourMS = 3600 * 1000

// ChoiceCounts counts the session records published in [from, to) at the
// given sites (all when nil) by site and choice: the whole hours from
// choice_counts, the part hours at either end (a period that does not
// start or end on the hour) from the records themselves.
func (q Queries) ChoiceCounts(ctx context.Context, from, to time.Time, sites []string) ([]report.ChoiceCount, error) {
	query, args := choicesSQL(from, to, sites)
	rows, err := q.query(ctx, query, args...)
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

func choicesSQL(from, to time.Time, sites []string) (string, []any) {
	where, siteArgs := siteFilter(sites)
	f, t := ms(from), ms(to)
	h0, h1 := (f+hourMS-1)/hourMS, t/hourMS // whole hours [h0, h1) from choice_counts
	edge0, edge1 := h0*hourMS, h1*hourMS    // records in [f, edge0) and [edge1, t)
	if h0 >= h1 {                           // no whole hour: all from the records
		h0, h1, edge0, edge1 = 0, 0, t, t
	}
	args := append([]any{h0, h1}, siteArgs...)
	args = append(append(args, f, edge0, edge1, t), siteArgs...)
	return `SELECT site, choice, CAST(SUM(n) AS BIGINT) FROM (
		SELECT site, choice, n FROM choice_counts WHERE hour >= ? AND hour < ?` + where + `
		UNION ALL SELECT site, choice, 1 FROM session_records WHERE ((ts >= ? AND ts < ?) OR (ts >= ? AND ts < ?))` + where + `
	) counted GROUP BY site, choice ORDER BY site, choice`, args
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
