package web

import (
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/transferguard/transferguard/dispatch/incident"
)

// The supervisor's pictures: per site, incidents per day by level and by
// outcome, and how long guards took to take and to reach an incident.
// Drawn on the server as SVG (no script, nothing to download), each with
// role="img", a <title>, and the same numbers as a table beside it for a
// screen reader or a reader who wants the figures.

// series is one coloured stack of a bar chart.
type series struct {
	Name   string
	Color  string
	Values []int // one per category
}

// chart is a stacked bar chart and the data table that stands for it.
type chart struct {
	ID     string
	Title  string
	Cats   []string
	Short  []string // the category names under the bars; nil: Cats shortened
	Series []series
}

// siteCharts are the four charts of one site.
type siteCharts struct {
	Site   string
	Charts []chart
}

// claimBuckets are the upper bounds (seconds) of the time-to-take and
// time-to-arrive bars; the last bar holds everything longer.
var claimBuckets = []int64{30, 60, 120, 300, 600}

// outcomeColors and levelColors keep one colour per meaning on every chart.
var (
	levelColors   = map[string]string{incident.LevelHigh: "#b91c1c", incident.LevelMedium: "#d97706"}
	outcomeColors = map[string]string{incident.OutcomeFraudStopped: "#047857", incident.OutcomeCustomerProceeded: "#b91c1c",
		incident.OutcomeCustomerLeft: "#7c3aed", incident.OutcomeFalseAlarm: "#6b7280", incident.OutcomeOther: "#2563eb", "": "#f59e0b"}
)

// chartsOf builds each site's charts from the period's incidents.
func chartsOf(lang string, list []incident.Incident, loc *time.Location) []siteCharts {
	bySite := map[string][]incident.Incident{}
	for _, i := range list {
		bySite[i.Site] = append(bySite[i.Site], i)
	}
	sites := make([]string, 0, len(bySite))
	for s := range bySite {
		sites = append(sites, s)
	}
	slices.Sort(sites)
	out := make([]siteCharts, 0, len(sites))
	for n, site := range sites {
		out = append(out, siteCharts{Site: site, Charts: siteChartList(lang, fmt.Sprintf("c%d", n), site, bySite[site], loc)})
	}
	return out
}

// siteChartList is levels and outcomes per day, then the two distributions.
func siteChartList(lang, id, site string, list []incident.Incident, loc *time.Location) []chart {
	var days []string
	for _, i := range list {
		if d := i.Created.In(loc).Format(time.DateOnly); !slices.Contains(days, d) {
			days = append(days, d)
		}
	}
	slices.Sort(days)
	levels := []string{incident.LevelHigh, incident.LevelMedium}
	outcomes := append(slices.Clone(incident.Outcomes), "")
	byLevel := perDay(days, levels, list, loc, func(i incident.Incident) string { return i.Level })
	byOutcome := perDay(days, outcomes, list, loc, func(i incident.Incident) string { return i.Outcome })
	lv := make([]series, len(levels))
	for n, l := range levels {
		lv[n] = series{Name: code(lang, "level", l), Color: levelColors[l], Values: byLevel[n]}
	}
	oc := make([]series, len(outcomes))
	for n, o := range outcomes {
		name := code(lang, "outcome", o)
		if o == "" {
			name = msg(lang, "col.open")
		}
		oc[n] = series{Name: name, Color: outcomeColors[o], Values: byOutcome[n]}
	}
	buckets, short := make([]string, len(claimBuckets)+1), make([]string, len(claimBuckets)+1)
	for n := range buckets {
		buckets[n], short[n] = msg(lang, fmt.Sprintf("bucket.%d", n)), msg(lang, fmt.Sprintf("bucket_short.%d", n))
	}
	return []chart{
		{ID: id + "-levels", Title: msg(lang, "chart.levels", site), Cats: days, Series: lv},
		{ID: id + "-outcomes", Title: msg(lang, "chart.outcomes", site), Cats: days, Series: oc},
		{ID: id + "-claim", Title: msg(lang, "chart.claim", site), Cats: buckets, Short: short,
			Series: []series{{Name: msg(lang, "chart.count"), Color: "#1d4ed8", Values: histogram(list, func(i incident.Incident) (time.Time, time.Time) { return i.Created, i.ClaimedAt })}}},
		{ID: id + "-arrive", Title: msg(lang, "chart.arrive", site), Cats: buckets, Short: short,
			Series: []series{{Name: msg(lang, "chart.count"), Color: "#0f766e", Values: histogram(list, func(i incident.Incident) (time.Time, time.Time) { return i.Created, i.ArrivedAt })}}},
	}
}

// perDay counts incidents per day (columns) for each key (rows).
func perDay(days, keys []string, list []incident.Incident, loc *time.Location, key func(incident.Incident) string) [][]int {
	out := make([][]int, len(keys))
	for n := range out {
		out[n] = make([]int, len(days))
	}
	for _, i := range list {
		k, d := slices.Index(keys, key(i)), slices.Index(days, i.Created.In(loc).Format(time.DateOnly))
		if k >= 0 && d >= 0 {
			out[k][d]++
		}
	}
	return out
}

// histogram counts the incidents whose span (from, to) falls in each
// bucket; an incident that never reached "to" is not counted.
func histogram(list []incident.Incident, span func(incident.Incident) (time.Time, time.Time)) []int {
	out := make([]int, len(claimBuckets)+1)
	for _, i := range list {
		from, to := span(i)
		if to.IsZero() {
			continue
		}
		s := int64(to.Sub(from) / time.Second)
		n, _ := slices.BinarySearch(claimBuckets, s+1)
		out[min(n, len(claimBuckets))]++
	}
	return out
}

// Total is the sum of a category's stack.
func (c chart) Total(cat int) int {
	t := 0
	for _, s := range c.Series {
		t += s.Values[cat]
	}
	return t
}

// SVG draws the chart: a legend (wrapped to the width), stacked bars, a
// value axis with three lines, and the category names under the bars. Its
// units are sized for a phone: the picture scales to the page's width.
func (c chart) SVG() template.HTML {
	const w, left, plotH, bottom, font = 420, 34, 150, 30, 15
	peak := 1
	for n := range c.Cats {
		peak = max(peak, c.Total(n))
	}
	var legend strings.Builder
	lx, ly := left, 18
	for _, s := range c.Series {
		width := 22 + font*len([]rune(s.Name))
		if lx+width > w && lx > left {
			lx, ly = left, ly+22
		}
		fmt.Fprintf(&legend, `<rect x="%d" y="%d" width="13" height="13" fill="%s"/><text x="%d" y="%d" class="legend">%s</text>`,
			lx, ly-11, s.Color, lx+17, ly, template.HTMLEscapeString(s.Name))
		lx += width + 10
	}
	top := ly + 20
	h := top + plotH + bottom
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t" focusable="false"><title id="%s-t">%s</title>`,
		w, h, c.ID, c.ID, template.HTMLEscapeString(c.Title))
	b.WriteString(legend.String())
	for _, v := range []int{0, peak / 2, peak} {
		y := float64(top+plotH) - plotH*float64(v)/float64(peak)
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#d1d5db"/><text x="%d" y="%.1f" text-anchor="end" class="axis">%d</text>`,
			left, w-4, y, y, left-6, y+5, v)
	}
	slot := float64(w-left-4) / float64(max(len(c.Cats), 1))
	bar := min(slot*0.7, 56)
	for n, cat := range c.Cats {
		x, y := float64(left)+slot*float64(n)+(slot-bar)/2, float64(top+plotH)
		for _, s := range c.Series {
			bh := plotH * float64(s.Values[n]) / float64(peak)
			if bh > 0 {
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x, y-bh, bar, bh, s.Color)
			}
			y -= bh
		}
		label := shortCat(cat, len(c.Cats))
		if n < len(c.Short) {
			label = c.Short[n]
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" class="axis">%s</text>`, x+bar/2, top+plotH+20, template.HTMLEscapeString(label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text in it is escaped above
}

// shortCat writes a category so the names fit under the bars: a date as
// MM-DD, or DD when there are many; a bucket name as it is (the data
// table below the chart has every name in full).
func shortCat(s string, n int) string {
	if _, err := time.Parse(time.DateOnly, s); err == nil {
		if n > 7 {
			return s[8:]
		}
		return s[5:]
	}
	return s
}
