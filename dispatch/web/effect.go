package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/report"
)

// The effectiveness page: per rule, per site, over a period, what the
// alerts came to (report.Effectiveness), the customers' choices on the
// transfer warning, and the resolved incidents still owed a follow-up.
// The same figures export as CSV and JSON; the page's numbers and the
// export's come from one report.Effect.

// effectPage shows the period's effectiveness to a supervisor.
func (s *Server) effectPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	from, to, ok := s.supervisorPeriod(w, r, v)
	if !ok {
		return
	}
	e, err := s.o.Store.Effect(r.Context(), from, to, v.SiteFilter())
	if err != nil {
		s.fail(w, err)
		return
	}
	owed, err := s.owedFollowUps(r.Context(), v.SiteFilter())
	if err != nil {
		s.fail(w, err)
		return
	}
	lang := s.langOf(nil, r)
	s.render(w, r, http.StatusOK, "effect.html", map[string]any{"Title": "page.effect", "V": v, "E": e,
		"Charts": effectCharts(lang, "e", e), "Owed": owed, "FollowUpAfter": s.o.FollowUpAfter,
		"From": e.From, "To": e.To})
}

// supervisorPeriod checks the viewer supervises and reads the period;
// it has answered when ok is false.
func (s *Server) supervisorPeriod(w http.ResponseWriter, r *http.Request, v *viewer) (from, to time.Time, ok bool) {
	if !v.CanSupervise() {
		http.Error(w, msg(s.langOf(nil, r), "err.supervisors"), http.StatusForbidden)
		return from, to, false
	}
	from, to, err := s.period(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return from, to, false
	}
	return from, to, true
}

// maxOwed bounds the overdue list: the oldest first, as many as a
// supervisor works through in a sitting.
const maxOwed = 100

// owedFollowUps lists the oldest resolved incidents not followed up within
// the configured time (none when it is not configured).
func (s *Server) owedFollowUps(ctx context.Context, sites []string) ([]incident.Incident, error) {
	if s.o.FollowUpAfter <= 0 {
		return nil, nil
	}
	now := s.o.Clock.Now()
	list, err := s.o.Store.ResolvedUnreviewed(ctx, now.Add(-s.o.FollowUpAfter), sites, maxOwed)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(list, func(i incident.Incident) bool {
		return !incident.NeedsFollowUp(&i, incident.Review{}, s.o.FollowUpAfter, now)
	}), nil
}

// effectExport writes the period's effectiveness as JSON (rules and
// choices), or CSV: the rules, or with table=choices the choices.
func (s *Server) effectExport(w http.ResponseWriter, r *http.Request, v *viewer) {
	from, to, ok := s.supervisorPeriod(w, r, v)
	if !ok {
		return
	}
	e, err := s.o.Store.Effect(r.Context(), from, to, v.SiteFilter())
	if err != nil {
		s.fail(w, err)
		return
	}
	name := fmt.Sprintf("effectiveness-%s-%s", from.Format("20060102"), to.AddDate(0, 0, -1).Format("20060102"))
	switch format, table := r.URL.Query().Get("format"), r.URL.Query().Get("table"); {
	case format == "csv" && table == "choices":
		attach(w, "text/csv; charset=utf-8", name+"-choices.csv")
		err = report.WriteChoicesCSV(w, e)
	case format == "csv" && (table == "" || table == "rules"):
		attach(w, "text/csv; charset=utf-8", name+".csv")
		err = report.WriteEffectCSV(w, e)
	case format == "json" || format == "":
		attach(w, "application/json", name+".json")
		err = report.WriteEffectJSON(w, e)
	default:
		http.Error(w, "format must be csv or json (table rules or choices)", http.StatusBadRequest)
		return
	}
	if err != nil {
		s.log.Warn().Err(err).Msg("effectiveness export interrupted")
	}
}

func attach(w http.ResponseWriter, typ, name string) {
	w.Header().Set("Content-Type", typ)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
}
