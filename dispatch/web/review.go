package web

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/transferguard/transferguard/dispatch/incident"
)

// Reviewer records a supervisor's follow-up and evaluation of a resolved
// incident (service.Service). The console offers them when its Actions
// also implement Reviewer.
type Reviewer interface {
	FollowUp(ctx context.Context, id, actor string, f incident.FollowUp) (incident.Review, error)
	Evaluate(ctx context.Context, id, actor, rating, note string) (incident.Review, error)
}

// review handles POST /incidents/{id}/follow_up and …/evaluate.
func (s *Server) review(w http.ResponseWriter, r *http.Request, v *viewer) {
	lang := s.langOf(nil, r)
	if !v.CanSupervise() {
		http.Error(w, msg(lang, "err.supervisors"), http.StatusForbidden)
		return
	}
	rv, ok := s.o.Actions.(Reviewer)
	if !ok {
		http.NotFound(w, r)
		return
	}
	i, ok := s.visible(w, r, v)
	if !ok {
		return
	}
	var err error
	if strings.HasSuffix(r.URL.Path, "/follow_up") {
		f, ok := followUpForm(r)
		if !ok {
			http.Error(w, msg(lang, "err.recovered"), http.StatusBadRequest)
			return
		}
		_, err = rv.FollowUp(r.Context(), i.ID, v.Name, f)
	} else {
		_, err = rv.Evaluate(r.Context(), i.ID, v.Name, r.PostFormValue("rating"), strings.TrimSpace(r.PostFormValue("note")))
	}
	switch {
	case errors.Is(err, incident.ErrNotResolved):
		http.Error(w, msg(lang, "err.not_resolved"), http.StatusConflict)
	case errors.Is(err, incident.ErrRating):
		http.Error(w, msg(lang, "err.rating"), http.StatusBadRequest)
	case err != nil:
		s.fail(w, err)
	default:
		http.Redirect(w, r, "/incidents/"+i.ID, http.StatusSeeOther)
	}
}

// followUpForm reads the follow-up fields; the recovered amount is in
// yuan with up to two decimals. ok is false for an unreadable amount.
func followUpForm(r *http.Request) (incident.FollowUp, bool) {
	f := incident.FollowUp{CalledBack: r.PostFormValue("called_back") != "",
		PoliceReport: strings.TrimSpace(r.PostFormValue("police_report")), Note: strings.TrimSpace(r.PostFormValue("note"))}
	if v := strings.TrimSpace(r.PostFormValue("recovered")); v != "" {
		y, err := strconv.ParseFloat(v, 64)
		if err != nil || y < 0 || y > 1e12 || math.IsNaN(y) {
			return f, false
		}
		f.RecoveredMinor = int64(math.Round(y * 100))
	}
	return f, len(f.PoliceReport) <= 64 && len(f.Note) <= 500
}
