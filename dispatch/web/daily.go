package web

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/report"
	"github.com/transferguard/transferguard/dispatch/store"
)

// DailyOptions say which site and day a daily report covers.
type DailyOptions struct {
	Site     string
	Day      time.Time      // any time on the day, read in Location
	Location *time.Location // nil: UTC
	Lang     string         // zh (default) or en
	Made     time.Time      // when the report is made, printed in its footer
}

// DailyReport writes one site's day as a single printable HTML page (A4,
// print CSS, no script and nothing fetched): the day's figures, the rule
// effectiveness and choices, the supervisor's charts for the site, and the
// day's incidents. HTML rather than PDF: the browser every bank PC has
// prints it to paper or PDF, the charts stay the accessible SVG of the
// console, and no PDF library enters the build (docs/dispatch.md).
func DailyReport(ctx context.Context, w io.Writer, st *store.Store, o DailyOptions) error {
	if o.Location == nil {
		o.Location = time.UTC
	}
	if _, ok := messages[o.Lang]; !ok {
		o.Lang = defaultLang
	}
	d := o.Day.In(o.Location)
	from := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, o.Location)
	to := from.AddDate(0, 0, 1)
	sites := []string{o.Site}
	list, err := st.IncidentsBetween(ctx, from, to, sites)
	if err != nil {
		return err
	}
	e, err := st.Effect(ctx, from, to, sites)
	if err != nil {
		return err
	}
	s := &Server{o: Options{Location: o.Location}}
	tpl, err := template.New("").Funcs(s.funcs(o.Lang)).ParseFS(templateFS, "templates/daily.html")
	if err != nil {
		return fmt.Errorf("web: parse daily report: %w", err)
	}
	days := report.Daily(list, o.Location)
	var day *report.Day
	if len(days) > 0 {
		day = &days[0]
	}
	charts := effectCharts(o.Lang, "d", e)
	if len(list) > 0 {
		charts = append(charts, siteChartList(o.Lang, "s", o.Site, list, o.Location)[1:]...)
	}
	date := from.Format(time.DateOnly)
	return tpl.ExecuteTemplate(w, "daily.html", map[string]any{"Lang": o.Lang, "HTMLLang": htmlLang(o.Lang),
		"Title": msg(o.Lang, "daily.title", o.Site, date), "Day": day, "E": e, "Charts": charts,
		"Incidents": list, "Made": o.Made, "Outcomes": incident.Outcomes})
}
