package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/dispatch/incident"
)

// Rule effectiveness: for each rule that named an incident, per site and
// for all sites together, over a period — how many alerts it raised, how
// they ended, how often they were fraud (precision = fraud_stopped ÷
// resolved), the money held and the money protected, and how fast guards
// took and reached them. Figures come from stored incidents and session
// records only.

// AllSites names the row that sums every site.
const AllSites = "*"

// EffectCurrency is the currency amounts are summed in; incidents in
// another currency count as alerts but add no amount.
const EffectCurrency = "CNY"

// RuleRow is one rule at one site (or AllSites) over the period.
type RuleRow struct {
	Rule         string         `json:"rule"`
	Site         string         `json:"site"`
	Alerts       int            `json:"alerts"`
	Outcomes     map[string]int `json:"outcomes"` // resolved incidents by outcome
	Open         int            `json:"open"`
	Resolved     int            `json:"resolved"`
	FraudStopped int            `json:"fraud_stopped"`
	// Precision is FraudStopped ÷ Resolved; nil when nothing was resolved.
	Precision *float64 `json:"precision"`
	// HeldMinor sums the amounts of incidents held at some point
	// (incident.HeldEver); ProtectedMinor those
	// held where the customer did not proceed: resolved with an outcome
	// other than customer_proceeded and a transaction that did not
	// complete (txn state other than done_ok). Minor units of EffectCurrency.
	HeldMinor      int64   `json:"held_minor"`
	ProtectedMinor int64   `json:"protected_minor"`
	Claimed        int     `json:"claimed"`
	ClaimP50       Seconds `json:"claim_p50_s"` // median from creation to claim
	Arrived        int     `json:"arrived"`
	ArriveP50      Seconds `json:"arrive_p50_s"` // median from creation to arrival
}

// ChoiceRow counts the customers' choices on the transfer warning at one
// site (or AllSites), from session records' choice.
type ChoiceRow struct {
	Site     string `json:"site"`
	Continue int    `json:"continue"`
	Stop     int    `json:"stop"`
	Help     int    `json:"help"`
	None     int    `json:"none"`
}

// ChoiceCount is one site's number of session records with one choice.
type ChoiceCount struct {
	Site   string
	Choice string
	N      int
}

// Effect is the effectiveness of the rules over a period.
type Effect struct {
	From    string      `json:"from"` // first day, YYYY-MM-DD
	To      string      `json:"to"`   // last day, inclusive
	Rules   []RuleRow   `json:"rules"`
	Choices []ChoiceRow `json:"choices"`
}

// Effectiveness computes the rule rows from the period's incidents (an
// incident counts for every rule among its reasons) and the choice rows
// from the period's choice counts. Rows are sorted by rule, then site,
// AllSites first.
func Effectiveness(list []incident.Incident, choices []ChoiceCount, from, to time.Time) Effect {
	type key struct{ rule, site string }
	rows := map[key]*RuleRow{}
	claims := map[key][]time.Duration{}
	arrivals := map[key][]time.Duration{}
	for n := range list {
		i := &list[n]
		for _, rule := range ruleIDs(i.Reasons) {
			for _, k := range []key{{rule, i.Site}, {rule, AllSites}} {
				r := rows[k]
				if r == nil {
					r = &RuleRow{Rule: k.rule, Site: k.site, Outcomes: map[string]int{}}
					rows[k] = r
				}
				r.count(i)
				if !i.ClaimedAt.IsZero() {
					claims[k] = append(claims[k], i.ClaimedAt.Sub(i.Created))
				}
				if !i.ArrivedAt.IsZero() {
					arrivals[k] = append(arrivals[k], i.ArrivedAt.Sub(i.Created))
				}
			}
		}
	}
	e := Effect{From: from.Format(time.DateOnly), To: to.AddDate(0, 0, -1).Format(time.DateOnly),
		Rules: make([]RuleRow, 0, len(rows)), Choices: choiceRows(choices)}
	for k, r := range rows {
		r.Claimed, r.ClaimP50, _ = spread(claims[k])
		r.Arrived, r.ArriveP50, _ = spread(arrivals[k])
		if r.Resolved > 0 {
			p := float64(r.FraudStopped) / float64(r.Resolved)
			r.Precision = &p
		}
		e.Rules = append(e.Rules, *r)
	}
	slices.SortFunc(e.Rules, func(a, b RuleRow) int { return cmp.Or(cmp.Compare(a.Rule, b.Rule), siteOrder(a.Site, b.Site)) })
	return e
}

func (r *RuleRow) count(i *incident.Incident) {
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
	if !(i.Held || i.HeldEver) || cmp.Or(i.Currency, EffectCurrency) != EffectCurrency {
		return
	}
	r.HeldMinor += i.AmountMinor
	if !i.Open() && i.Outcome != incident.OutcomeCustomerProceeded && i.TxnState != TxnDoneOK {
		r.ProtectedMinor += i.AmountMinor
	}
}

// TxnDoneOK is the transaction state of a transfer that went through.
const TxnDoneOK = "done_ok"

// ruleIDs lists the distinct rules among reasons, in order.
func ruleIDs(rs []envelope.Reason) []string {
	var out []string
	for _, r := range rs {
		if r.Rule != "" && !slices.Contains(out, r.Rule) {
			out = append(out, r.Rule)
		}
	}
	return out
}

func siteOrder(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == AllSites:
		return -1
	case b == AllSites:
		return 1
	}
	return cmp.Compare(a, b)
}

// choiceRows folds choice counts into one row per site and AllSites.
func choiceRows(counts []ChoiceCount) []ChoiceRow {
	rows := map[string]*ChoiceRow{AllSites: {Site: AllSites}}
	for _, c := range counts {
		for _, site := range []string{c.Site, AllSites} {
			r := rows[site]
			if r == nil {
				r = &ChoiceRow{Site: site}
				rows[site] = r
			}
			switch c.Choice {
			case screen.ChoiceContinue:
				r.Continue += c.N
			case screen.ChoiceStop:
				r.Stop += c.N
			case screen.ChoiceHelp:
				r.Help += c.N
			default:
				r.None += c.N
			}
		}
	}
	out := make([]ChoiceRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b ChoiceRow) int { return siteOrder(a.Site, b.Site) })
	return out
}
