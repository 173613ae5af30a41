package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/backtest"
	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/dispatch/auth"
	"github.com/transferguard/transferguard/dispatch/feed"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/report"
	"github.com/transferguard/transferguard/dispatch/seed"
	"github.com/transferguard/transferguard/dispatch/service"
	"github.com/transferguard/transferguard/dispatch/store"
	"github.com/transferguard/transferguard/dispatch/web"
)

var month0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// seededRig is a console over a seeded month, ten days after it ended,
// with follow-ups owed after three days.
func seededRig(t *testing.T) (*rig, *seed.Ledger) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	led, err := seed.Month(ctx, st, seed.Options{Seed: 5, Start: month0, Days: 30, Sessions: 600, Sites: []string{"S1", "S2"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(month0.AddDate(0, 0, 40))
	hub := &feed.Hub{}
	svc, err := service.New(service.Options{Store: st, Publisher: nopPub{}, Feed: hub, Ladder: incident.DefaultLadder(), Log: zerolog.Nop(), Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	u := store.User{Name: "sup", Role: "supervisor"}
	u.Hash, _ = auth.HashPassword("pw-sup", fast)
	if err := st.PutUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	w, err := web.New(web.Options{Store: st, Actions: svc, Feed: hub, Ladder: incident.DefaultLadder(), Log: zerolog.Nop(),
		Clock: clk, FollowUpAfter: 72 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)
	return &rig{srv: srv, st: st, svc: svc}, led
}

var (
	ruleRow   = regexp.MustCompile(`<tr data-rule="([^"]+)" data-site="([^"]+)">(.*?)</tr>`)
	fieldCell = regexp.MustCompile(`data-f="([a-z_0-9]+)">([^<]*)<`)
)

// The page shows, for every rule and site, the figures the JSON export
// holds, and the CSV export holds them too.
func TestEffectivenessPageAgreesWithExport(t *testing.T) {
	r, _ := seededRig(t)
	c, _ := r.login(t, "sup")
	q := "?from=2026-11-01&to=2026-11-30&lang=en"
	code, page := status(t, c, http.MethodGet, r.srv.URL+"/supervisor/effectiveness"+q, nil, nil)
	if code != http.StatusOK {
		t.Fatalf("page: %d %s", code, page)
	}
	_, body := status(t, c, http.MethodGet, r.srv.URL+"/supervisor/effectiveness/export"+q+"&format=json", nil, nil)
	var e report.Effect
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("json export: %v", err)
	}
	rows := ruleRow.FindAllStringSubmatch(strings.ReplaceAll(page, "\n", ""), -1)
	if len(rows) != len(e.Rules) || len(rows) < 6 {
		t.Fatalf("page has %d rule rows, export %d", len(rows), len(e.Rules))
	}
	for n, row := range rows {
		want := e.Rules[n]
		cells := map[string]string{}
		for _, m := range fieldCell.FindAllStringSubmatch(row[3], -1) {
			cells[m[1]] = m[2]
		}
		if row[1] != want.Rule || row[2] != want.Site {
			t.Fatalf("row %d is %s/%s, export %s/%s", n, row[1], row[2], want.Rule, want.Site)
		}
		for f, v := range map[string]int64{"alerts": int64(want.Alerts), "open": int64(want.Open), "resolved": int64(want.Resolved),
			"fraud_stopped": int64(want.FraudStopped), "held": want.HeldMinor, "protected": want.ProtectedMinor} {
			if got := number(cells[f]); (f == "held" || f == "protected") && got != v || f != "held" && f != "protected" && got != v*100 {
				t.Errorf("%s/%s %s: page %q, export %d", want.Rule, want.Site, f, cells[f], v)
			}
		}
		if want.Precision != nil && cells["precision"] != strconv.Itoa(int(*want.Precision*100+0.5))+"%" {
			t.Errorf("%s/%s precision: page %q, export %v", want.Rule, want.Site, cells["precision"], *want.Precision)
		}
	}
	_, csvBody := status(t, c, http.MethodGet, r.srv.URL+"/supervisor/effectiveness/export"+q+"&format=csv", nil, nil)
	lines, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
	if err != nil || len(lines) != len(e.Rules)+1 {
		t.Fatalf("csv: %v, %d lines for %d rules", err, len(lines), len(e.Rules))
	}
	for n, l := range lines[1:] {
		if l[0] != e.Rules[n].Rule || l[4] != strconv.Itoa(e.Rules[n].Alerts) || number(l[9]) != e.Rules[n].HeldMinor {
			t.Errorf("csv line %d %v, export %+v", n+1, l, e.Rules[n])
		}
	}
	if n := strings.Count(page, `role="img"`); n != 3 || strings.Count(page, "<title id=") != 3 {
		t.Errorf("page has %d charts with role=img, want 3 each with a title", n)
	}
	for _, ch := range e.Choices {
		if !strings.Contains(page, `<td data-f="stop">`+strconv.Itoa(ch.Stop)+`</td>`) {
			t.Errorf("choices of %s: stop %d not on the page", ch.Site, ch.Stop)
		}
	}
}

// number reads "12,345.67" as minor units 1234567.
func number(s string) int64 {
	f, _ := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	return int64(f*100 + 0.5)
}

var owedItem = regexp.MustCompile(`<li data-id="([^"]+)">`)

// A resolved incident owed a follow-up is listed until a supervisor
// records one; the follow-up and the evaluation are steps of its story.
func TestFollowUpAndEvaluation(t *testing.T) {
	r, _ := seededRig(t)
	c, csrf := r.login(t, "sup")
	page := func() string {
		_, p := status(t, c, http.MethodGet, r.srv.URL+"/supervisor/effectiveness?from=2026-11-01&to=2026-11-30&lang=en", nil, nil)
		return p
	}
	owed := owedItem.FindAllStringSubmatch(page(), -1)
	if len(owed) == 0 {
		t.Fatal("no follow-up owed in a seeded month ten days on")
	}
	id := owed[0][1]
	form := url.Values{"csrf": {csrf}, "called_back": {"1"}, "police_report": {"PR-2026-1101"}, "recovered": {"1,000"}}
	if code, _ := status(t, c, http.MethodPost, r.srv.URL+"/incidents/"+id+"/follow_up", form, nil); code != http.StatusBadRequest {
		t.Errorf("unreadable amount: status %d, want 400", code)
	}
	form.Set("recovered", "1000.50")
	if code, _ := status(t, c, http.MethodPost, r.srv.URL+"/incidents/"+id+"/follow_up", form, nil); code != http.StatusSeeOther {
		t.Fatalf("follow-up: status %d", code)
	}
	if after := page(); strings.Contains(after, `<li data-id="`+id+`">`) || len(owedItem.FindAllString(after, -1)) != len(owed)-1 {
		t.Errorf("incident %s still owed after its follow-up", id)
	}
	ev := url.Values{"csrf": {csrf}, "rating": {"excellent"}}
	if code, _ := status(t, c, http.MethodPost, r.srv.URL+"/incidents/"+id+"/evaluate", ev, nil); code != http.StatusBadRequest {
		t.Errorf("unknown rating: status %d, want 400", code)
	}
	ev.Set("rating", incident.RatingGood)
	if code, _ := status(t, c, http.MethodPost, r.srv.URL+"/incidents/"+id+"/evaluate", ev, nil); code != http.StatusSeeOther {
		t.Fatalf("evaluate: status %d", code)
	}
	_, story := status(t, c, http.MethodGet, r.srv.URL+"/incidents/"+id+"?lang=en", nil, nil)
	for _, want := range []string{`data-action="followed_up"`, "police report PR-2026-1101", "recovered 1000.50", `data-action="evaluated"`, `value="good" required checked`} {
		if !strings.Contains(story, want) {
			t.Errorf("incident page lacks %q", want)
		}
	}
	_, exp := status(t, c, http.MethodGet, r.srv.URL+"/export?from=2026-11-01&to=2026-11-30&format=json", nil, nil)
	var recs []report.Record
	if err := json.Unmarshal([]byte(exp), &recs); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, rec := range recs {
		if rec.ID == id {
			found = rec.Review != nil && rec.Review.PoliceReport == "PR-2026-1101" && rec.Review.RecoveredMinor == 100050 &&
				rec.Review.CalledBack && rec.Review.Rating == incident.RatingGood
		}
	}
	if !found {
		t.Errorf("export lacks the review of %s", id)
	}
	open, err := r.st.OpenIncidents(context.Background(), nil)
	if err != nil || len(open) == 0 {
		t.Fatalf("no open incident seeded: %v", err)
	}
	if code, _ := status(t, c, http.MethodPost, r.srv.URL+"/incidents/"+open[0].ID+"/follow_up", url.Values{"csrf": {csrf}}, nil); code != http.StatusConflict {
		t.Errorf("follow-up of an open incident: status %d, want 409", code)
	}
}

// The sessions export is what tgctl backtest reads: every record of the
// period, each with its incident's outcome; switching off the rules that
// caught fraud makes exactly those incidents missed, outcomes attached.
func TestSessionsExportFeedsBacktest(t *testing.T) {
	r, led := seededRig(t)
	c, _ := r.login(t, "sup")
	_, body := status(t, c, http.MethodGet, r.srv.URL+"/supervisor/sessions/export?from=2026-11-01&to=2026-11-30", nil, nil)
	if n := strings.Count(body, "\n"); n != len(led.Records) {
		t.Fatalf("export has %d lines, want %d records", n, len(led.Records))
	}
	cand, err := backtest.Load([]byte(`{"version":9,"issued":"2026-12-01T00:00:00Z","scope":"fleet","rules":{"payee-listed":{"enabled":false},"phone-call-during-transfer":{"enabled":false}}}`))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := backtest.Run(strings.NewReader(body), cand)
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[string]string{}
	for _, i := range led.Incidents {
		outcomes[i.AlertID] = i.Outcome
	}
	if len(rep.Missed) == 0 {
		t.Fatal("nothing missed with the phone and payee rules off")
	}
	for _, m := range rep.Missed {
		if m.Outcome != outcomes[m.AlertID] {
			t.Errorf("missed %s: outcome %q, incident says %q", m.AlertID, m.Outcome, outcomes[m.AlertID])
		}
	}
}
