package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/report"
)

// incident_rules holds one row per incident and rule it names, with what
// the effectiveness page sums (report.RuleCount): the incident's site,
// creation time, state and outcome, its money as report.Amounts counts
// it, and its times to claim and to arrive in whole seconds (NULL until
// then). It is written in the same statement sequence, and so the same
// transaction, as every insert and update of the incident, so the page
// groups it in SQL instead of reading and folding every incident.
// Reasons only ever accumulate, so rows are upserted, never deleted.

// ruleCols is the column order of incident_rules' writes.
const ruleCols = `incident_id, rule, site, created, bucket, is_open, outcome, held_minor, protected_minor, claim_s, arrive_s`

// bucketMS is the width of incident_rules.bucket, 30 days in
// milliseconds. The indexes lead with the bucket, so the rows of a period
// come out in (bucket, rule, site, …) order and SQLite groups them as
// they come instead of sorting them (it has no hash aggregation); a
// period scans the whole buckets it touches, at most a slot more at each
// end, and yields one group per bucket it spans.
const bucketMS = 30 * 24 * 3600 * 1000

// ruleUpsert is what an upsert sets from the new row.
var ruleUpsert = func() string {
	var set []string
	for _, c := range strings.Split(ruleCols, ", ")[2:] {
		set = append(set, c+" = excluded."+c)
	}
	return ` ON CONFLICT (incident_id, rule) DO UPDATE SET ` + strings.Join(set, ", ")
}()

// putRules writes the incident's rows of incident_rules, one statement
// for all its rules; nothing for an incident that names no rule.
func (q Queries) putRules(ctx context.Context, i *incident.Incident) error {
	rules := report.RuleIDs(i.Reasons)
	if len(rules) == 0 {
		return nil
	}
	held, protected := report.Amounts(i)
	claim, arrive := secondsSince(i.Created, i.ClaimedAt), secondsSince(i.Created, i.ArrivedAt)
	one := "(" + marks(11) + ")"
	vals := make([]string, 0, len(rules))
	args := make([]any, 0, 11*len(rules))
	for _, r := range rules {
		vals = append(vals, one)
		args = append(args, i.ID, r, i.Site, ms(i.Created), ms(i.Created)/bucketMS, b2i(i.Open()), i.Outcome, held, protected, claim, arrive)
	}
	if _, err := q.exec(ctx, `INSERT INTO incident_rules (`+ruleCols+`) VALUES `+strings.Join(vals, ", ")+ruleUpsert, args...); err != nil {
		return fmt.Errorf("store: write rules of incident %s: %w", i.ID, err)
	}
	return nil
}

// secondsSince is the time from created to at in whole seconds as the
// reports count it (report.DurationSeconds of the stored milliseconds),
// or nil (NULL) when at is zero.
func secondsSince(created, at time.Time) any {
	if at.IsZero() {
		return nil
	}
	return int64(report.DurationSeconds(time.Duration(ms(at)-ms(created)) * time.Millisecond))
}

// backfillRules names the migration that fills incident_rules for the
// incidents stored before the table existed; it runs in Go
// (backfillIncidentRules) because the rules are in the reasons' JSON,
// which SQLite and PostgreSQL read with different functions.
const backfillRules = "-- Go: backfill incident_rules"

// backfillBatch is how many incidents the backfill reads at a time.
const backfillBatch = 500

// backfillIncidentRules writes the rows of every stored incident, reading
// them in batches in id order so memory stays bounded.
func backfillIncidentRules(ctx context.Context, q Queries) error {
	for after := ""; ; {
		list, err := q.many(ctx, `SELECT `+incidentCols+` FROM incidents WHERE id > ? ORDER BY id LIMIT ?`, after, backfillBatch)
		if err != nil {
			return err
		}
		for n := range list {
			if err := q.putRules(ctx, &list[n]); err != nil {
				return err
			}
		}
		if len(list) < backfillBatch {
			return nil
		}
		after = list[len(list)-1].ID
	}
}
