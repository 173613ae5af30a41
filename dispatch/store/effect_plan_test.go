package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// The effectiveness page's queries read SQLite through the indexes made
// for them and sort no row of incident_rules or session_records: SQLite
// groups by sorting, and sorting every row of a month is what made the
// page take seconds (docs/benchmarks.md). Checked on a fresh database, with
// no planner statistics, as tgdispatch starts.
func TestEffectQueriesUseTheirIndexes(t *testing.T) {
	s := openSQLite(t)
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0).Add(-90 * time.Minute) // part hours at the end too
	for name, c := range map[string]struct {
		query     func(from, to time.Time, sites []string) (string, []any)
		want      []string
		sortsRows bool // whether a sort of the grouped rows (a histogram) is expected
	}{
		"rule counts": {ruleCountsSQL, []string{"SEARCH incident_rules USING COVERING INDEX incident_rules_counts"}, false},
		"rule medians": {mediansSQL, []string{"SEARCH incident_rules USING COVERING INDEX incident_rules_claim",
			"SEARCH incident_rules USING COVERING INDEX incident_rules_arrive"}, true},
		"choice counts": {choicesSQL, []string{"SEARCH choice_counts USING INDEX sqlite_autoindex_choice_counts_1 (hour>? AND hour<?)", "SEARCH session_records USING COVERING INDEX session_records_ts"}, true},
	} {
		for _, sites := range [][]string{nil, {"S1", "S2"}} {
			plan := explain(t, s, c.query, from, to, sites)
			for _, w := range c.want {
				if !strings.Contains(plan, w) {
					t.Errorf("%s at sites %v: plan lacks %q:\n%s", name, sites, w, plan)
				}
			}
			for _, line := range strings.Split(plan, "\n") {
				if strings.Contains(line, "TEMP B-TREE") && !c.sortsRows {
					t.Errorf("%s at sites %v sorts its rows:\n%s", name, sites, plan)
				}
			}
		}
	}
}

// explain returns SQLite's query plan, one step a line.
func explain(t *testing.T, s *Store, query func(from, to time.Time, sites []string) (string, []any), from, to time.Time, sites []string) string {
	t.Helper()
	q, args := query(from, to, sites)
	rows, err := s.query(context.Background(), `EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	return b.String()
}
