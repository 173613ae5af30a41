// Package report turns incidents and their steps into what a supervisor
// reads afterwards: per site and per day, how long guards took to claim and
// to arrive, how incidents ended and how much money was held; and the
// export of a period as CSV or JSON. Pure code over slices.
package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/transferguard/transferguard/dispatch/incident"
)

// Day is one site's day.
type Day struct {
	Site      string         `json:"site"`
	Date      string         `json:"date"` // YYYY-MM-DD in the report's time zone
	Incidents int            `json:"incidents"`
	High      int            `json:"high"`
	Open      int            `json:"open"`
	Claimed   int            `json:"claimed"`
	ClaimP50  Seconds        `json:"claim_p50_s"`
	ClaimMax  Seconds        `json:"claim_max_s"`
	Arrived   int            `json:"arrived"`
	ArriveP50 Seconds        `json:"arrive_p50_s"` // from creation to arrival
	ArriveMax Seconds        `json:"arrive_max_s"`
	Escalated int            `json:"escalated"`
	Outcomes  map[string]int `json:"outcomes"`
	// Held sums by currency, in minor units, the amounts of the day's
	// incidents held at some point (incident.HeldEver), released or not.
	Held map[string]int64 `json:"held_minor"`
}

// Seconds is a duration reported in whole seconds.
type Seconds int64

// Daily groups incidents by site and by day of creation in loc, sorted by
// site then date.
func Daily(list []incident.Incident, loc *time.Location) []Day {
	type key struct{ site, date string }
	days := map[key]*Day{}
	claims := map[key][]time.Duration{}
	arrivals := map[key][]time.Duration{}
	for _, i := range list {
		k := key{i.Site, i.Created.In(loc).Format(time.DateOnly)}
		d := days[k]
		if d == nil {
			d = &Day{Site: k.site, Date: k.date, Outcomes: map[string]int{}, Held: map[string]int64{}}
			days[k] = d
		}
		d.Incidents++
		if i.Level == incident.LevelHigh {
			d.High++
		}
		if i.Open() {
			d.Open++
		} else {
			d.Outcomes[i.Outcome]++
		}
		if !i.ClaimedAt.IsZero() {
			claims[k] = append(claims[k], i.ClaimedAt.Sub(i.Created))
		}
		if !i.ArrivedAt.IsZero() {
			arrivals[k] = append(arrivals[k], i.ArrivedAt.Sub(i.Created))
		}
		if i.Rung > 0 || i.Overdue {
			d.Escalated++
		}
		if (i.Held || i.HeldEver) && i.AmountMinor > 0 { // held at some point: a released hold still counts
			d.Held[cmp.Or(i.Currency, "CNY")] += i.AmountMinor
		}
	}
	out := make([]Day, 0, len(days))
	for k, d := range days {
		d.Claimed, d.ClaimP50, d.ClaimMax = spread(claims[k])
		d.Arrived, d.ArriveP50, d.ArriveMax = spread(arrivals[k])
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b Day) int { return cmp.Or(cmp.Compare(a.Site, b.Site), cmp.Compare(a.Date, b.Date)) })
	return out
}

// spread returns the count, median and maximum of durations, in seconds.
func spread(ds []time.Duration) (int, Seconds, Seconds) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	slices.Sort(ds)
	return len(ds), DurationSeconds(ds[len(ds)/2]), DurationSeconds(ds[len(ds)-1])
}
