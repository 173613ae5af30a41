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

// RuleCount is what the store sums incidents into: the incidents one
// rule named at one site (over part of the period; several counts of a
// rule and site add up), how many are open, the resolved ones by outcome,
// their money (Amounts) and how many were claimed and reached.
type RuleCount struct {
	Rule, Site     string
	N              int
	Open           int
	Outcomes       map[string]int // resolved incidents by outcome; absent outcomes need no key
	HeldMinor      int64
	ProtectedMinor int64
	Claimed        int
	Arrived        int
}

// RuleMedians are one rule's median times to claim and to arrive at one
// site or AllSites, each the middle one of the durations in whole seconds
// (DurationSeconds), the upper one of an even count.
type RuleMedians struct {
	Rule, Site          string
	ClaimP50, ArriveP50 Seconds
}

// Effectiveness builds the rule rows from the period's counts and
// medians (the store groups them in SQL), adding every site's counts
// into the AllSites row, and the choice rows from the choice counts.
// Rows are sorted by rule, then site, AllSites first.
func Effectiveness(counts []RuleCount, medians []RuleMedians, choices []ChoiceCount, from, to time.Time) Effect {
	type key struct{ rule, site string }
	rows := map[key]*RuleRow{}
	for _, c := range counts {
		for _, k := range []key{{c.Rule, c.Site}, {c.Rule, AllSites}} {
			r := rows[k]
			if r == nil {
				r = &RuleRow{Rule: k.rule, Site: k.site, Outcomes: map[string]int{}}
				rows[k] = r
			}
			r.add(c)
		}
	}
	for _, m := range medians {
		if r := rows[key{m.Rule, m.Site}]; r != nil {
			r.ClaimP50, r.ArriveP50 = m.ClaimP50, m.ArriveP50
		}
	}
	e := Effect{From: from.Format(time.DateOnly), To: to.AddDate(0, 0, -1).Format(time.DateOnly),
		Rules: make([]RuleRow, 0, len(rows)), Choices: choiceRows(choices)}
	for _, r := range rows {
		if r.Resolved > 0 {
			p := float64(r.FraudStopped) / float64(r.Resolved)
			r.Precision = &p
		}
		e.Rules = append(e.Rules, *r)
	}
	slices.SortFunc(e.Rules, func(a, b RuleRow) int { return cmp.Or(cmp.Compare(a.Rule, b.Rule), siteOrder(a.Site, b.Site)) })
	return e
}

func (r *RuleRow) add(c RuleCount) {
	r.Alerts += c.N
	r.Open += c.Open
	r.Resolved += c.N - c.Open
	for o, n := range c.Outcomes {
		if n > 0 {
			r.Outcomes[o] += n
		}
	}
	r.FraudStopped = r.Outcomes[incident.OutcomeFraudStopped]
	r.HeldMinor += c.HeldMinor
	r.ProtectedMinor += c.ProtectedMinor
	r.Claimed += c.Claimed
	r.Arrived += c.Arrived
}

// Amounts is what one incident adds to each of its rules' money: its
// amount as held when it was held at some point (incident.HeldEver) and
// is in EffectCurrency (or names none), and as protected too when it was
// resolved with an outcome other than customer_proceeded and the transfer
// did not complete (txn state other than done_ok).
func Amounts(i *incident.Incident) (held, protected int64) {
	if !(i.Held || i.HeldEver) || cmp.Or(i.Currency, EffectCurrency) != EffectCurrency {
		return 0, 0
	}
	if !i.Open() && i.Outcome != incident.OutcomeCustomerProceeded && i.TxnState != TxnDoneOK {
		return i.AmountMinor, i.AmountMinor
	}
	return i.AmountMinor, 0
}

// DurationSeconds is a duration in whole seconds, rounded half away from
// zero: the unit of every median in the reports. Rounding never changes
// the order of durations, so the median of rounded durations is the
// rounded median.
func DurationSeconds(d time.Duration) Seconds { return Seconds(d.Round(time.Second) / time.Second) }

// TxnDoneOK is the transaction state of a transfer that went through.
const TxnDoneOK = "done_ok"

// RuleIDs lists the distinct rules among reasons, in order: the rules an
// incident counts for.
func RuleIDs(rs []envelope.Reason) []string {
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
