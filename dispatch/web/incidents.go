package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/store"
)

// card is an incident as a console shows it.
type card struct {
	incident.Incident
	SiteName string
	Location string
	Amount   string
	Rung     string
	AgeS     int64 // seconds since tgdispatch opened it
	Outcomes []string
	ETAs     []int // the arrival times a guard picks from when claiming, in minutes
}

// etaChoices are the claim buttons: there in 1, 3 or 5 minutes.
var etaChoices = []int{1, 3, 5}

// maxETA bounds the eta_s a claim may carry (a form is not trusted).
const maxETA = 3600

// CanClaim, CanArrive and CanResolve say which buttons the card shows.
func (c card) CanClaim() bool   { return c.State == incident.StateNew }
func (c card) CanArrive() bool  { return c.State == incident.StateClaimed }
func (c card) CanResolve() bool { return c.State != incident.StateResolved }

// cardOf dresses an incident for display.
func (s *Server) cardOf(i incident.Incident) card {
	site := s.o.Sites[i.Site]
	c := card{Incident: i, SiteName: site.Name, Location: site.Terminals[i.Terminal],
		AgeS:     max(0, int64(s.o.Clock.Now().Sub(i.Created)/time.Second)),
		Outcomes: incident.Outcomes, ETAs: etaChoices}
	if i.Rung > 0 {
		c.Rung = s.o.Ladder.RungName(i.Rung)
	}
	if c.SiteName == "" {
		c.SiteName = i.Site
	}
	if c.Location == "" { // not configured: the terminal is all a guard can be told
		c.Location = c.SiteName + " / " + i.Terminal
	}
	if i.AmountMinor > 0 {
		c.Amount = amountText(i.Currency, i.AmountMinor)
	}
	return c
}

// amountText writes an amount as a guard reads it: ¥50,000.00 for yuan,
// the currency code before other amounts.
func amountText(currency string, minor int64) string {
	if currency == "" || currency == "CNY" {
		return "¥" + money(minor)
	}
	return currency + " " + money(minor)
}

// money writes minor units as 12,345.67.
func money(minor int64) string {
	whole := strconv.FormatInt(minor/100, 10)
	for n := len(whole) - 3; n > 0; n -= 3 {
		whole = whole[:n] + "," + whole[n:]
	}
	return fmt.Sprintf("%s.%02d", whole, minor%100)
}

// openCards lists the viewer's open incidents, highest and newest first.
func (s *Server) openCards(r *http.Request, v *viewer) ([]card, error) {
	list, err := s.o.Store.OpenIncidents(r.Context(), v.SiteFilter())
	if err != nil {
		return nil, err
	}
	cards := make([]card, len(list))
	for n, i := range list {
		cards[n] = s.cardOf(i)
	}
	return cards, nil
}

// guardPage is the main page: the open incidents, live.
func (s *Server) guardPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	cards, err := s.openCards(r, v)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.render(w, r, http.StatusOK, "guard.html", map[string]any{"Title": "page.incidents", "V": v, "Cards": cards})
}

// listFragment is the list alone, fetched by the script on each event.
func (s *Server) listFragment(w http.ResponseWriter, r *http.Request, v *viewer) {
	cards, err := s.openCards(r, v)
	if err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "list.html", map[string]any{"V": v, "Cards": cards})
}

// visible loads an incident the viewer may see, or answers 404.
func (s *Server) visible(w http.ResponseWriter, r *http.Request, v *viewer) (incident.Incident, bool) {
	i, err := s.o.Store.Incident(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) || (err == nil && !v.CanSee(i.Site)) {
		http.NotFound(w, r)
		return i, false
	}
	if err != nil {
		s.fail(w, err)
		return i, false
	}
	return i, true
}

// incidentPage shows one incident and its whole story.
func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	i, ok := s.visible(w, r, v)
	if !ok {
		return
	}
	steps, err := s.o.Store.Steps(r.Context(), i.ID)
	if err != nil {
		s.fail(w, err)
		return
	}
	data := map[string]any{"Title": "page.incident", "V": v, "C": s.cardOf(i), "Steps": steps}
	if _, ok := s.o.Actions.(Reviewer); ok && v.CanSupervise() && !i.Open() {
		if data["Review"], err = s.o.Store.Review(r.Context(), i.ID); err != nil {
			s.fail(w, err)
			return
		}
		data["Ratings"] = incident.Ratings
	}
	s.render(w, r, http.StatusOK, "incident.html", data)
}

// step applies claim, arrive or resolve.
func (s *Server) step(w http.ResponseWriter, r *http.Request, v *viewer) {
	i, ok := s.visible(w, r, v)
	if !ok {
		return
	}
	var err error
	switch r.PathValue("step") {
	case "claim":
		eta, _ := strconv.Atoi(r.PostFormValue("eta_s"))
		_, err = s.o.Actions.Claim(r.Context(), i.ID, v.Name, min(max(eta, 0), maxETA))
	case "arrive":
		_, err = s.o.Actions.Arrive(r.Context(), i.ID, v.Name)
	case "resolve":
		_, err = s.o.Actions.Resolve(r.Context(), i.ID, v.Name, r.PostFormValue("outcome"), r.PostFormValue("note"))
	default:
		http.NotFound(w, r)
		return
	}
	switch {
	case errors.Is(err, incident.ErrTransition), errors.Is(err, store.ErrConflict):
		http.Error(w, msg(s.langOf(nil, r), "err.moved"), http.StatusConflict)
		return
	case errors.Is(err, incident.ErrOutcome):
		http.Error(w, msg(s.langOf(nil, r), "err.outcome"), http.StatusBadRequest)
		return
	case err != nil:
		// the step is recorded; only the message to the terminal is late
		s.log.Warn().Err(err).Str("incident", i.ID).Msg("step recorded with a problem")
	}
	if r.Header.Get("X-CSRF-Token") != "" { // the script: no redirect
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// apiIncidents returns the viewer's open incidents as JSON.
func (s *Server) apiIncidents(w http.ResponseWriter, r *http.Request, v *viewer) {
	cards, err := s.openCards(r, v)
	if err != nil {
		s.fail(w, err)
		return
	}
	out := make([]map[string]any, len(cards))
	for n, c := range cards {
		out[n] = map[string]any{"id": c.ID, "alert_id": c.AlertID, "site": c.Site, "terminal": c.Terminal, "location": c.Location,
			"kind": c.Kind, "level": c.Level, "state": c.State, "reasons": c.Reasons, "amount": c.Amount, "held": c.Held,
			"created": c.Created, "claimed_by": c.ClaimedBy, "rung": c.Rung}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// fail answers 500 and logs the cause once.
func (s *Server) fail(w http.ResponseWriter, err error) {
	s.log.Error().Err(err).Msg("request failed")
	http.Error(w, "internal error", http.StatusInternalServerError)
}

// funcs are the templates' helpers in one language: t (a message), tl (a
// store code), age, reason (an alert reason as it came, except the
// console's own health texts), and formatting.
func (s *Server) funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"stamp": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(s.o.Location).Format("2006-01-02 15:04:05")
		},
		"unixms": func(t time.Time) int64 { return t.UnixMilli() },
		"money":  money,
		"t":      func(key string, args ...any) string { return msg(lang, key, args...) },
		"tl":     func(ns, c string) string { return code(lang, ns, c) },
		"ago":    func(sec int64) string { return ago(lang, sec) },
		"detail": func(action, d string) string { return stepDetail(lang, action, d) },
		"mul":    func(a, b int) int { return a * b },
		"pct":    percent,
		"site":   func(site string) string { return siteName(lang, site) },
		"index1": func(list []string, n int) string { return itemOr(list, n, "") },
		"script": func() string { return scriptMessages(lang) },
		"reason": func(r envelope.Reason) string {
			if m, ok := messages[lang]["reason."+r.Rule]; ok {
				return m
			}
			return r.Text
		},
	}
}
