package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/dispatch/auth"
	"github.com/transferguard/transferguard/dispatch/feed"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/service"
	"github.com/transferguard/transferguard/dispatch/store"
	"github.com/transferguard/transferguard/dispatch/web"
)

type nopPub struct{}

func (nopPub) Dispatch(context.Context, string, string, envelope.Dispatch) error { return nil }

type rig struct {
	srv *httptest.Server
	st  *store.Store
	svc *service.Service
}

var fast = auth.Params{Memory: 64, Time: 1, Threads: 1}

func newRig(t *testing.T) *rig {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	hub := &feed.Hub{}
	svc, err := service.New(service.Options{Store: st, Publisher: nopPub{}, Feed: hub, Ladder: incident.DefaultLadder(), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.User{{Name: "ga", Role: "guard", Sites: []string{"S1"}}, {Name: "gb", Role: "guard", Sites: []string{"S2"}},
		{Name: "sup", Role: "supervisor"}} {
		u.Hash, _ = auth.HashPassword("pw-"+u.Name, fast)
		if err := st.PutUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	w, err := web.New(web.Options{Store: st, Actions: svc, Feed: hub, Ladder: incident.DefaultLadder(), Log: zerolog.Nop(),
		Sites: map[string]web.Site{"S1": {Name: "Main St", Terminals: map[string]string{"T1": "lobby, left ATM"}}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)
	return &rig{srv: srv, st: st, svc: svc}
}

func (r *rig) alert(t *testing.T, id, site string) incident.Incident {
	t.Helper()
	a := envelope.Alert{V: 1, ID: "m" + id, Type: "alert", AlertID: id, Site: site, Terminal: "T1", Kind: "risk", Level: "high",
		Held: true, Reasons: []envelope.Reason{{Rule: "phone", Text: "On the phone during a transfer"}}, TS: envelope.Time(time.Now())}
	if err := r.svc.HandleAlert(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	i, err := r.st.IncidentByAlert(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

// client is a browser with a cookie jar that does not follow redirects.
func client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login logs in and returns the client and the session's CSRF token.
func (r *rig) login(t testing.TB, name string) (*http.Client, string) {
	t.Helper()
	c := client()
	res, err := c.Get(r.srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		t.Fatal("login form has no csrf field")
	}
	res, err = c.PostForm(r.srv.URL+"/login", url.Values{"csrf": {string(m[1])}, "name": {name}, "password": {"pw-" + name}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: status %d", name, res.StatusCode)
	}
	for _, ck := range res.Cookies() {
		if ck.Name == "tg_session" && (!ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode) {
			t.Fatalf("session cookie not HttpOnly+Strict: %+v", ck)
		}
	}
	res, _ = c.Get(r.srv.URL + "/")
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	m = regexp.MustCompile(`data-csrf="([^"]+)"`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("guard page has no csrf: %s", body)
	}
	return c, string(m[1])
}

func status(t *testing.T, c *http.Client, method, u string, form url.Values, header map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(form.Encode()))
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestNoSession(t *testing.T) {
	r := newRig(t)
	i := r.alert(t, "A1", "S1")
	c := client()
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/", http.StatusSeeOther}, {"GET", "/supervisor", http.StatusSeeOther}, {"GET", "/api/incidents", 401},
		{"GET", "/events", 401}, {"GET", "/incidents/list", 401}, {"GET", "/export", 401},
		{"POST", "/incidents/" + i.ID + "/claim", 401}, {"GET", "/incidents/" + i.ID, http.StatusSeeOther},
	} {
		if got, body := status(t, c, tc.method, r.srv.URL+tc.path, nil, nil); got != tc.want || strings.Contains(body, "On the phone") {
			t.Errorf("%s %s: got %d, want %d (or leaked data)", tc.method, tc.path, got, tc.want)
		}
	}
}

func TestLoginRefusals(t *testing.T) {
	r := newRig(t)
	c := client()
	res, _ := c.Get(r.srv.URL + "/login")
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if csrfField.FindSubmatch(body) == nil {
		t.Fatal("login page carries no csrf field")
	}
	got, page := status(t, c, "POST", r.srv.URL+"/login", url.Values{"name": {"ga"}, "password": {"pw-ga"}}, nil)
	if got != 403 || strings.Contains(page, "data-csrf") {
		t.Errorf("login without csrf: %d, want 403 and no session", got)
	}
	token := string(csrfField.FindSubmatch([]byte(page))[1]) // the form comes back with a fresh token
	got, page = status(t, c, "POST", r.srv.URL+"/login", url.Values{"csrf": {token}, "name": {"ga"}, "password": {"nope"}}, nil)
	if got != 401 || !strings.Contains(page, "用户名或密码错误") { // Chinese first
		t.Errorf("wrong password: %d, want 401", got)
	}
	token = string(csrfField.FindSubmatch([]byte(page))[1]) // the form comes back with a fresh token
	if got, _ := status(t, c, "POST", r.srv.URL+"/login", url.Values{"csrf": {token}, "name": {"ghost"}, "password": {"x"}}, nil); got != 401 {
		t.Errorf("unknown user: %d, want 401", got)
	}
}

func TestGuardSeesOnlyOwnSites(t *testing.T) {
	r := newRig(t)
	mine, theirs := r.alert(t, "A1", "S1"), r.alert(t, "B1", "S2")
	c, csrf := r.login(t, "ga")
	_, body := status(t, c, "GET", r.srv.URL+"/api/incidents", nil, nil)
	var list []map[string]any
	_ = json.Unmarshal([]byte(body), &list)
	if len(list) != 1 || list[0]["alert_id"] != "A1" || list[0]["location"] != "lobby, left ATM" {
		t.Fatalf("guard of S1 sees %s", body)
	}
	if _, page := status(t, c, "GET", r.srv.URL+"/", nil, nil); !strings.Contains(page, `data-alert="A1"`) || strings.Contains(page, "B1") {
		t.Fatal("guard page shows the wrong incidents")
	}
	if got, _ := status(t, c, "GET", r.srv.URL+"/incidents/"+theirs.ID, nil, nil); got != 404 {
		t.Errorf("view other site: %d, want 404", got)
	}
	h := map[string]string{"X-CSRF-Token": csrf}
	if got, _ := status(t, c, "POST", r.srv.URL+"/incidents/"+theirs.ID+"/claim", url.Values{}, h); got != 404 {
		t.Errorf("claim other site: %d, want 404", got)
	}
	if got, _ := r.st.Incident(context.Background(), theirs.ID); got.State != incident.StateNew {
		t.Fatalf("other site's incident changed to %s", got.State)
	}
	if got, _ := status(t, c, "POST", r.srv.URL+"/incidents/"+mine.ID+"/claim", url.Values{}, h); got != 204 {
		t.Fatalf("claim own: %d, want 204", got)
	}
	if got, _ := r.st.Incident(context.Background(), mine.ID); got.State != incident.StateClaimed || got.ClaimedBy != "ga" {
		t.Fatalf("own incident: %s by %s", got.State, got.ClaimedBy)
	}
	if got, _ := status(t, c, "POST", r.srv.URL+"/incidents/"+mine.ID+"/claim", url.Values{}, h); got != 409 {
		t.Errorf("claim twice: %d, want 409", got)
	}
	if got, _ := status(t, c, "GET", r.srv.URL+"/supervisor", nil, nil); got != 403 {
		t.Errorf("guard on supervisor view: %d, want 403", got)
	}
	if got, _ := status(t, c, "GET", r.srv.URL+"/export?format=csv", nil, nil); got != 403 {
		t.Errorf("guard export: %d, want 403", got)
	}
}

func TestCSRF(t *testing.T) {
	r := newRig(t)
	i := r.alert(t, "A1", "S1")
	c, csrf := r.login(t, "ga")
	u := r.srv.URL + "/incidents/" + i.ID + "/claim"
	if got, _ := status(t, c, "POST", u, url.Values{}, nil); got != 403 {
		t.Errorf("no token: %d, want 403", got)
	}
	if got, _ := status(t, c, "POST", u, url.Values{"csrf": {"forged"}}, nil); got != 403 {
		t.Errorf("bad token: %d, want 403", got)
	}
	other, _ := r.login(t, "gb")
	if got, _ := status(t, other, "POST", u, url.Values{"csrf": {csrf}}, nil); got != 403 {
		t.Errorf("another session's token: %d, want 403", got)
	}
	if got, _ := r.st.Incident(context.Background(), i.ID); got.State != incident.StateNew {
		t.Fatal("refused request changed the incident")
	}
	if got, _ := status(t, c, "POST", u, url.Values{"csrf": {csrf}}, nil); got != http.StatusSeeOther {
		t.Fatalf("form post with token: %d, want 303", got)
	}
	if got, _ := status(t, c, "POST", r.srv.URL+"/logout", url.Values{"csrf": {csrf}}, nil); got != http.StatusSeeOther {
		t.Fatalf("logout: %d", got)
	}
	if got, _ := status(t, c, "GET", r.srv.URL+"/api/incidents", nil, nil); got != 401 {
		t.Fatalf("after logout: %d, want 401", got)
	}
}

func TestResolveAndSupervisor(t *testing.T) {
	r := newRig(t)
	i := r.alert(t, "A1", "S1")
	c, csrf := r.login(t, "ga")
	h := map[string]string{"X-CSRF-Token": csrf}
	base := r.srv.URL + "/incidents/" + i.ID
	status(t, c, "POST", base+"/claim", url.Values{}, h)
	status(t, c, "POST", base+"/arrive", url.Values{}, h)
	if got, _ := status(t, c, "POST", base+"/resolve", url.Values{"outcome": {"other"}}, h); got != 400 {
		t.Errorf("other without note: %d, want 400", got)
	}
	if got, _ := status(t, c, "POST", base+"/resolve", url.Values{"outcome": {"fraud_stopped"}, "note": {"bank called"}}, h); got != 204 {
		t.Fatalf("resolve: %d", got)
	}
	_, story := status(t, c, "GET", base, nil, nil)
	for _, want := range []string{"raised", "claimed", "arrived", "resolved", "bank called"} {
		if !strings.Contains(story, want) {
			t.Errorf("story lacks %q", want)
		}
	}
	s, _ := r.login(t, "sup")
	if got, page := status(t, s, "GET", r.srv.URL+"/supervisor", nil, nil); got != 200 || !strings.Contains(page, `data-outcome="fraud_stopped" data-count="1">已阻止诈骗: 1<`) {
		t.Fatalf("supervisor: %d %s", got, page)
	}
	_, csv := status(t, s, "GET", r.srv.URL+"/export?format=csv", nil, nil)
	if n := strings.Count(csv, "\n"); n != 5 || !strings.Contains(csv, "fraud_stopped") {
		t.Fatalf("csv %d lines:\n%s", n, csv)
	}
	_, js := status(t, s, "GET", r.srv.URL+"/export?format=json", nil, nil)
	if !strings.Contains(js, `"outcome": "fraud_stopped"`) {
		t.Fatalf("json export: %s", js)
	}
	if got, _ := status(t, s, "GET", r.srv.URL+"/export?from=2026-13-01", nil, nil); got != 400 {
		t.Errorf("bad date: %d, want 400", got)
	}
}

func TestEventsFilteredBySite(t *testing.T) {
	r := newRig(t)
	c, _ := r.login(t, "ga")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", r.srv.URL+"/events", nil)
	res, err := c.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("events: %v %v", err, res)
	}
	defer res.Body.Close()
	lines := bufio.NewScanner(res.Body)
	for lines.Scan() && lines.Text() != ": hello" {
	}
	r.alert(t, "B1", "S2")
	r.alert(t, "A1", "S1")
	for lines.Scan() {
		if l, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
			var e feed.Event
			_ = json.Unmarshal([]byte(l), &e)
			if e.AlertID != "A1" || e.Action != "raised" {
				t.Fatalf("first event %+v, want A1 raised (B1 is another site)", e)
			}
			return
		}
	}
	t.Fatal("no event")
}

func TestLoginThrottled(t *testing.T) {
	r := newRig(t)
	c := client()
	res, _ := c.Get(r.srv.URL + "/login")
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	token := string(csrfField.FindSubmatch(body)[1])
	try := func(pw string) int {
		got, page := status(t, c, "POST", r.srv.URL+"/login", url.Values{"csrf": {token}, "name": {"ga"}, "password": {pw}}, nil)
		if m := csrfField.FindStringSubmatch(page); m != nil {
			token = m[1]
		}
		return got
	}
	for n := 0; n < 5; n++ {
		if got := try("wrong"); got != 401 {
			t.Fatalf("failure %d: %d, want 401", n, got)
		}
	}
	if got := try("pw-ga"); got != http.StatusTooManyRequests {
		t.Fatalf("right password after 5 failures: %d, want 429", got)
	}
}
