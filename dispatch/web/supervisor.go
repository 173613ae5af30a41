package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/transferguard/transferguard/dispatch/report"
)

// period reads from/to (YYYY-MM-DD, inclusive days in the console's time
// zone) and defaults to today.
func (s *Server) period(r *http.Request) (from, to time.Time, err error) {
	loc := s.o.Location
	today := s.o.Clock.Now().In(loc)
	from = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	to = from
	if v := r.URL.Query().Get("from"); v != "" {
		if from, err = time.ParseInLocation(time.DateOnly, v, loc); err != nil {
			return from, to, fmt.Errorf("from: %w", err)
		}
		to = from
	}
	if v := r.URL.Query().Get("to"); v != "" {
		if to, err = time.ParseInLocation(time.DateOnly, v, loc); err != nil {
			return from, to, fmt.Errorf("to: %w", err)
		}
	}
	if to.Before(from) || to.Sub(from) > 366*24*time.Hour {
		return from, to, fmt.Errorf("period must run forward, at most a year")
	}
	return from, to.AddDate(0, 0, 1), nil
}

// supervisorPage shows terminals and the days of the period.
func (s *Server) supervisorPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !v.CanSupervise() {
		http.Error(w, msg(s.langOf(nil, r), "err.supervisors"), http.StatusForbidden)
		return
	}
	from, to, err := s.period(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	terms, err := s.o.Store.Terminals(r.Context(), v.SiteFilter())
	if err != nil {
		s.fail(w, err)
		return
	}
	list, err := s.o.Store.IncidentsBetween(r.Context(), from, to, v.SiteFilter())
	if err != nil {
		s.fail(w, err)
		return
	}
	type termRow struct {
		Site, Terminal, Location, State, Link, UI, Agent, Config string
		Seen                                                     time.Time
	}
	rows := make([]termRow, len(terms))
	for n, t := range terms {
		rows[n] = termRow{t.Site, t.Terminal, s.o.Sites[t.Site].Terminals[t.Terminal], t.State, t.Link, t.UI, t.Agent, t.Config, t.Seen}
	}
	people, err := s.people(r, v)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.render(w, r, http.StatusOK, "supervisor.html", map[string]any{"Title": "page.supervisor", "V": v, "Terminals": rows,
		"Days": report.Daily(list, s.o.Location), "Charts": chartsOf(s.langOf(nil, r), list, s.o.Location), "People": people,
		"From": from.Format(time.DateOnly), "To": to.AddDate(0, 0, -1).Format(time.DateOnly)})
}

// export writes the period's incidents and steps as CSV or JSON.
func (s *Server) export(w http.ResponseWriter, r *http.Request, v *viewer) {
	if !v.CanSupervise() {
		http.Error(w, msg(s.langOf(nil, r), "err.supervisors"), http.StatusForbidden)
		return
	}
	from, to, err := s.period(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	list, err := s.o.Store.IncidentsBetween(r.Context(), from, to, v.SiteFilter())
	if err != nil {
		s.fail(w, err)
		return
	}
	steps, err := s.o.Store.StepsOf(r.Context(), from, to, v.SiteFilter())
	if err != nil {
		s.fail(w, err)
		return
	}
	recs := report.Records(list, steps)
	reviews, err := s.o.Store.ReviewsBetween(r.Context(), from, to, v.SiteFilter())
	if err != nil {
		s.fail(w, err)
		return
	}
	report.WithReviews(recs, reviews)
	name := fmt.Sprintf("incidents-%s-%s", from.Format("20060102"), to.AddDate(0, 0, -1).Format("20060102"))
	switch r.URL.Query().Get("format") {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		lang := s.langOf(nil, r)
		header := make([]string, len(report.CSVColumns))
		for n, c := range report.CSVColumns {
			header[n] = msg(lang, "csv."+c)
		}
		err = report.WriteCSVIn(w, recs, header, func(action, d string) string { return stepDetail(lang, action, d) })
	case "json", "":
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
		err = report.WriteJSON(w, recs)
	default:
		http.Error(w, "format must be csv or json", http.StatusBadRequest)
		return
	}
	if err != nil {
		s.log.Warn().Err(err).Msg("export interrupted")
	}
}
