package store_test

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/report"
	"github.com/transferguard/transferguard/dispatch/seed"
	"github.com/transferguard/transferguard/dispatch/store"
)

var month0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// openStore opens the store at dsn for one test and closes it after.
func openStore(t *testing.T, dsn string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func TestEffectivenessSQLite(t *testing.T) {
	testEffectiveness(t, "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
}

// testEffectiveness seeds a month and checks every figure of the
// effectiveness page, for the month, for one week and for one site,
// against figures counted here from what was seeded.
func testEffectiveness(t *testing.T, dsn string) {
	ctx := context.Background()
	st := openStore(t, dsn)
	led, err := seed.Month(ctx, st, seed.Options{Seed: 3, Start: month0, Days: 30, Sessions: 1500, Sites: []string{"S1", "S2"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(led.Incidents) < 100 {
		t.Fatalf("only %d incidents seeded", len(led.Incidents))
	}
	for _, tc := range []struct {
		name     string
		from, to time.Time
		sites    []string
	}{
		{"month", month0, month0.AddDate(0, 0, 30), nil},
		{"second week", month0.AddDate(0, 0, 7), month0.AddDate(0, 0, 14), nil},
		{"site S2", month0, month0.AddDate(0, 0, 30), []string{"S2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.Effect(ctx, tc.from, tc.to, tc.sites)
			if err != nil {
				t.Fatal(err)
			}
			want := expected(led, tc.from, tc.to, tc.sites)
			t.Logf("%d rule rows, choices %+v", len(got.Rules), got.Choices)
			checkRules(t, got.Rules, want.Rules)
			var held, protected int64
			for _, r := range got.Rules {
				held, protected = held+r.HeldMinor, protected+r.ProtectedMinor
			}
			if held == 0 || protected == 0 || protected > held {
				t.Errorf("held %d, protected %d: want some money held, some protected, never more protected than held", held, protected)
			}
			if !slices.Equal(got.Choices, want.Choices) {
				t.Errorf("choices\n got %+v\nwant %+v", got.Choices, want.Choices)
			}
		})
	}
}

func checkRules(t *testing.T, got, want []report.RuleRow) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rule rows, want %d", len(got), len(want))
	}
	for n := range want {
		g, w := got[n], want[n]
		gp, wp := -1.0, -1.0
		if g.Precision != nil {
			gp = *g.Precision
		}
		if w.Precision != nil {
			wp = *w.Precision
		}
		g.Precision, w.Precision = nil, nil
		if gp != wp || !equalRow(g, w) {
			t.Errorf("rule %s site %s:\n got %+v precision %v\nwant %+v precision %v", w.Rule, w.Site, g, gp, w, wp)
		}
	}
}

func equalRow(a, b report.RuleRow) bool {
	return reflect.DeepEqual(a, b)
}

// expected counts the page's figures from the ledger, rule by rule and
// site by site, the long way round.
func expected(led *seed.Ledger, from, to time.Time, sites []string) report.Effect {
	in := func(site string, at time.Time) bool {
		return !at.Before(from) && at.Before(to) && (sites == nil || slices.Contains(sites, site))
	}
	var rules, siteList []string
	for _, i := range led.Incidents {
		if !in(i.Site, i.Created) {
			continue
		}
		for _, r := range i.Reasons {
			if !slices.Contains(rules, r.Rule) {
				rules = append(rules, r.Rule)
			}
		}
		if !slices.Contains(siteList, i.Site) {
			siteList = append(siteList, i.Site)
		}
	}
	slices.Sort(rules)
	slices.Sort(siteList)
	e := report.Effect{From: from.Format(time.DateOnly), To: to.AddDate(0, 0, -1).Format(time.DateOnly)}
	for _, rule := range rules {
		for _, site := range append([]string{report.AllSites}, siteList...) {
			if row, ok := ruleRow(led.Incidents, rule, site, in); ok {
				e.Rules = append(e.Rules, row)
			}
		}
	}
	e.Choices = choiceRows(led.Records, in)
	return e
}

func ruleRow(list []incident.Incident, rule, site string, in func(string, time.Time) bool) (report.RuleRow, bool) {
	row := report.RuleRow{Rule: rule, Site: site, Outcomes: map[string]int{}}
	var claims, arrivals []int64
	for _, i := range list {
		if !in(i.Site, i.Created) || (site != report.AllSites && i.Site != site) || !names(i.Reasons, rule) {
			continue
		}
		row.Alerts++
		if i.State == incident.StateResolved {
			row.Resolved++
			row.Outcomes[i.Outcome]++
			if i.Outcome == incident.OutcomeFraudStopped {
				row.FraudStopped++
			}
		} else {
			row.Open++
		}
		if i.HeldEver {
			row.HeldMinor += i.AmountMinor
			if i.State == incident.StateResolved && i.Outcome != incident.OutcomeCustomerProceeded && i.TxnState != "done_ok" {
				row.ProtectedMinor += i.AmountMinor
			}
		}
		if !i.ClaimedAt.IsZero() {
			claims = append(claims, int64(i.ClaimedAt.Sub(i.Created).Seconds()))
		}
		if !i.ArrivedAt.IsZero() {
			arrivals = append(arrivals, int64(i.ArrivedAt.Sub(i.Created).Seconds()))
		}
	}
	if row.Resolved > 0 {
		p := float64(row.FraudStopped) / float64(row.Resolved)
		row.Precision = &p
	}
	row.Claimed, row.ClaimP50 = len(claims), median(claims)
	row.Arrived, row.ArriveP50 = len(arrivals), median(arrivals)
	return row, row.Alerts > 0
}

func names(rs []envelope.Reason, rule string) bool {
	return slices.ContainsFunc(rs, func(r envelope.Reason) bool { return r.Rule == rule })
}

// median is the middle value, the upper one of an even count.
func median(v []int64) report.Seconds {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	return report.Seconds(v[len(v)/2])
}

func choiceRows(recs []envelope.SessionRecord, in func(string, time.Time) bool) []report.ChoiceRow {
	all := report.ChoiceRow{Site: report.AllSites}
	by := map[string]*report.ChoiceRow{}
	for _, r := range recs {
		if !in(r.Site, time.Time(r.TS)) {
			continue
		}
		row := by[r.Site]
		if row == nil {
			row = &report.ChoiceRow{Site: r.Site}
			by[r.Site] = row
		}
		for _, x := range []*report.ChoiceRow{row, &all} {
			switch r.Choice {
			case "continue":
				x.Continue++
			case "stop":
				x.Stop++
			case "help":
				x.Help++
			default:
				x.None++
			}
		}
	}
	out := []report.ChoiceRow{all}
	for _, s := range []string{"S1", "S2"} {
		if by[s] != nil {
			out = append(out, *by[s])
		}
	}
	return out
}
