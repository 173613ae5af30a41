package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/report"
	"github.com/transferguard/transferguard/dispatch/seed"
	"github.com/transferguard/transferguard/dispatch/store"
)

func TestEffectSQLMatchesGoFoldSQLite(t *testing.T) {
	testEffectSQLMatchesGoFold(t, "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
}

func TestEffectFollowsUpdatesSQLite(t *testing.T) {
	testEffectFollowsUpdates(t, "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
}

// testEffectSQLMatchesGoFold checks, on a seeded month, that the figures
// grouped in SQL are those the page folded in Go from every incident
// before (goFold), for several periods and sites, and still are after
// incident_rules is rebuilt by the migration's backfill.
func testEffectSQLMatchesGoFold(t *testing.T, dsn string) {
	ctx := context.Background()
	st := openStore(t, dsn)
	if _, err := seed.Month(ctx, st, seed.Options{Seed: 7, Start: month0, Days: 30, Sessions: 1500, Sites: []string{"S1", "S2", "S3"}}, false); err != nil {
		t.Fatal(err)
	}
	periods := []struct {
		name     string
		from, to time.Time
		sites    []string
	}{
		{"month", month0, month0.AddDate(0, 0, 30), nil},
		{"one day", month0.AddDate(0, 0, 3), month0.AddDate(0, 0, 4), nil},
		{"sites S1 and S3", month0.AddDate(0, 0, 10), month0.AddDate(0, 0, 24), []string{"S1", "S3"}},
		{"no site", month0, month0.AddDate(0, 0, 30), []string{}},
		{"part hours at both ends", month0.Add(3*24*time.Hour + 17*time.Minute + 3*time.Second), month0.Add(5*24*time.Hour + 9*time.Hour + 45*time.Minute), nil},
		{"within an hour at S2", month0.Add(50*time.Hour + 5*time.Minute), month0.Add(50*time.Hour + 55*time.Minute), []string{"S2"}},
		{"before the month", month0.AddDate(0, -1, 0), month0, nil},
	}
	for _, pass := range []string{"written with the incidents", "backfilled"} {
		if pass == "backfilled" {
			if err := st.RebuildEffectTables(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range periods {
			t.Run(pass+"/"+p.name, func(t *testing.T) {
				got, err := st.Effect(ctx, p.from, p.to, p.sites)
				if err != nil {
					t.Fatal(err)
				}
				want := goFoldOf(t, st, p.from, p.to, p.sites)
				if p.name == "month" && len(want.Rules) < 8 {
					t.Fatalf("only %d rule rows in the seeded month", len(want.Rules))
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("SQL and Go fold differ\n got %s\nwant %s", describe(got), describe(want))
				}
			})
		}
	}
}

// testEffectFollowsUpdates checks that claiming, reaching, an update
// naming a new rule, a released hold and the resolution each reach the
// SQL figures, as the Go fold of the incidents sees them.
func testEffectFollowsUpdates(t *testing.T, dsn string) {
	ctx := context.Background()
	st := openStore(t, dsn)
	at := month0.Add(10*time.Hour + 123*time.Millisecond)
	alert := func(id string, held bool, rule string, ts time.Time) envelope.Alert {
		return envelope.Alert{ID: id, Type: "alert", AlertID: "A1", Site: "S1", Terminal: "T1", Level: "high", Held: held,
			TS: envelope.Time(ts), Reasons: []envelope.Reason{{Rule: rule}}, Txn: &envelope.Txn{AmountMinor: 900000, Currency: "CNY"}}
	}
	i, step := incident.FromAlert(store.NewID(), alert("m1", true, "r1", at), at)
	if _, err := st.CreateIncident(ctx, &i, step); err != nil {
		t.Fatal(err)
	}
	from, to := month0, month0.AddDate(0, 0, 1)
	check := func(what string, rows int) {
		t.Helper()
		got, err := st.Effect(ctx, from, to, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := goFoldOf(t, st, from, to, nil); !reflect.DeepEqual(got, want) || len(got.Rules) != rows {
			t.Errorf("after %s:\n got %s\nwant %s with %d rule rows", what, describe(got), describe(want), rows)
		}
	}
	check("creation", 2)
	for _, change := range []struct {
		what string
		do   func(now time.Time)
		rows int
	}{
		{"claim", func(now time.Time) { _, _ = i.Claim("g1", 60, now) }, 2},
		{"an update naming r2", func(now time.Time) { i.Fold(alert("m2", true, "r2", now), now) }, 4},
		{"arrival", func(now time.Time) { _, _ = i.Arrive("g1", now) }, 4},
		{"the hold released", func(now time.Time) { i.Fold(alert("m3", false, "r2", now), now) }, 4},
		{"resolution", func(now time.Time) { _, _ = i.Resolve("g1", incident.OutcomeFraudStopped, "", now) }, 4},
	} {
		at = at.Add(37*time.Second + 501*time.Millisecond)
		change.do(at)
		if err := st.UpdateIncident(ctx, &i); err != nil {
			t.Fatal(err)
		}
		check(change.what, change.rows)
	}
}

// goFoldOf is the effectiveness folded in Go from every incident of the
// period, as the page computed it before incident_rules, with the choices
// counted from every session record of the period.
func goFoldOf(t *testing.T, st *store.Store, from, to time.Time, sites []string) report.Effect {
	t.Helper()
	list, err := st.IncidentsBetween(context.Background(), from, to, sites)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[[2]string]int{}
	err = st.SessionRecordsBetween(context.Background(), from, to, sites, func(body, _ string) error {
		var r envelope.SessionRecord
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			return err
		}
		counts[[2]string{r.Site, r.Choice}]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var choices []report.ChoiceCount
	for k, n := range counts {
		choices = append(choices, report.ChoiceCount{Site: k[0], Choice: k[1], N: n})
	}
	return goFold(list, choices, from, to)
}

// describe prints an effect's rows with their precision, not its address.
func describe(e report.Effect) string {
	s := fmt.Sprintf("%s..%s choices %+v", e.From, e.To, e.Choices)
	for _, r := range e.Rules {
		p := "none"
		if r.Precision != nil {
			p = fmt.Sprint(*r.Precision)
		}
		r.Precision = nil
		s += fmt.Sprintf("\n  %+v precision %s", r, p)
	}
	return s
}
