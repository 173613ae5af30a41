package store_test

import (
	"cmp"
	"slices"
	"time"

	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/report"
)

// goFold is the effectiveness page's former Go fold over every incident
// of the period (before incident_rules), kept as the oracle the SQL
// grouping is checked against: an incident counts for every distinct
// rule among its reasons, at its site and at report.AllSites; medians are
// the upper middle of the sorted durations, rounded to seconds.
func goFold(list []incident.Incident, choices []report.ChoiceCount, from, to time.Time) report.Effect {
	type key struct{ rule, site string }
	rows := map[key]*report.RuleRow{}
	claims := map[key][]time.Duration{}
	arrivals := map[key][]time.Duration{}
	for n := range list {
		i := &list[n]
		for _, rule := range report.RuleIDs(i.Reasons) {
			for _, k := range []key{{rule, i.Site}, {rule, report.AllSites}} {
				r := rows[k]
				if r == nil {
					r = &report.RuleRow{Rule: k.rule, Site: k.site, Outcomes: map[string]int{}}
					rows[k] = r
				}
				foldOne(r, i)
				if !i.ClaimedAt.IsZero() {
					claims[k] = append(claims[k], i.ClaimedAt.Sub(i.Created))
				}
				if !i.ArrivedAt.IsZero() {
					arrivals[k] = append(arrivals[k], i.ArrivedAt.Sub(i.Created))
				}
			}
		}
	}
	// the choice rows were never folded in Go: build them the page's way
	e := report.Effectiveness(nil, nil, choices, from, to)
	for k, r := range rows {
		r.Claimed, r.ClaimP50 = middle(claims[k])
		r.Arrived, r.ArriveP50 = middle(arrivals[k])
		if r.Resolved > 0 {
			p := float64(r.FraudStopped) / float64(r.Resolved)
			r.Precision = &p
		}
		e.Rules = append(e.Rules, *r)
	}
	slices.SortFunc(e.Rules, func(a, b report.RuleRow) int {
		return cmp.Or(cmp.Compare(a.Rule, b.Rule), cmp.Compare(siteRank(a.Site), siteRank(b.Site)), cmp.Compare(a.Site, b.Site))
	})
	return e
}

func foldOne(r *report.RuleRow, i *incident.Incident) {
	r.Alerts++
	if i.Open() {
		r.Open++
	} else {
		r.Resolved++
		r.Outcomes[i.Outcome]++
		if i.Outcome == incident.OutcomeFraudStopped {
			r.FraudStopped++
		}
	}
	if !(i.Held || i.HeldEver) || cmp.Or(i.Currency, report.EffectCurrency) != report.EffectCurrency {
		return
	}
	r.HeldMinor += i.AmountMinor
	if !i.Open() && i.Outcome != incident.OutcomeCustomerProceeded && i.TxnState != report.TxnDoneOK {
		r.ProtectedMinor += i.AmountMinor
	}
}

// middle is the count and the upper median of durations, in seconds.
func middle(ds []time.Duration) (int, report.Seconds) {
	if len(ds) == 0 {
		return 0, 0
	}
	slices.Sort(ds)
	return len(ds), report.Seconds(ds[len(ds)/2].Round(time.Second) / time.Second)
}

// siteRank sorts report.AllSites before the sites.
func siteRank(site string) int {
	if site == report.AllSites {
		return 0
	}
	return 1
}
