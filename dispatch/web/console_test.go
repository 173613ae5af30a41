package web_test

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCardAndResolve: the card's first line names level, where to run and
// how long ago; a claim carries the chosen ETA into the story (in the
// reader's words); resolving without an outcome is refused and leaves the
// incident open; customer_left is an outcome.
func TestCardAndResolve(t *testing.T) {
	r := newRig(t)
	i := r.alert(t, "A1", "S1")
	c, csrf := r.login(t, "ga")
	h := map[string]string{"X-CSRF-Token": csrf}
	_, list := status(t, c, "GET", r.srv.URL+"/incidents/list", nil, nil)
	for _, want := range []string{`<span class="level">高</span> · <span class="where" data-where>lobby, left ATM</span>`, `data-ago>刚刚<`, `value="180" data-action="claim"`, `>3分钟到<`, `type="radio" name="outcome" value="customer_left" required> 客户已离开`} {
		if !strings.Contains(list, want) {
			t.Errorf("card lacks %q:\n%s", want, list)
		}
	}
	if strings.Contains(list, "checked") || strings.Contains(list, "<select") {
		t.Error("the outcome has a default")
	}
	base := r.srv.URL + "/incidents/" + i.ID
	if got, _ := status(t, c, "POST", base+"/claim", url.Values{"eta_s": {"180"}}, h); got != 204 {
		t.Fatalf("claim: %d", got)
	}
	if got, _ := status(t, c, "POST", base+"/resolve", url.Values{"note": {"gone"}}, h); got != 400 {
		t.Errorf("resolve without an outcome: %d, want 400", got)
	}
	if i, _ = r.st.Incident(context.Background(), i.ID); i.State != "claimed" || i.ETAS != 180 {
		t.Fatalf("after a refused resolve: state %s eta %d, want claimed with 180 s", i.State, i.ETAS)
	}
	if got, _ := status(t, c, "POST", base+"/resolve", url.Values{"outcome": {"customer_left"}}, h); got != 204 {
		t.Fatalf("resolve customer_left: %d", got)
	}
	_, story := status(t, c, "GET", base, nil, nil)
	for _, want := range []string{"预计 3 分钟内到达", "<td>客户已离开</td>", "警报 · 风险 · 高 · 交易已暂停", "ga 已接警"} {
		if !strings.Contains(story, want) {
			t.Errorf("story lacks %q", want)
		}
	}
	s, _ := r.login(t, "sup")
	_, csv := status(t, s, "GET", r.srv.URL+"/export?format=csv", nil, nil)
	if !strings.HasPrefix(csv, "事件,警报编号,网点,终端,") || !strings.Contains(csv, "预计 3 分钟内到达") {
		t.Errorf("csv not in the reader's language:\n%s", csv)
	}
	_, csv = status(t, s, "GET", r.srv.URL+"/export?format=csv&lang=en", nil, nil)
	if !strings.HasPrefix(csv, "incident,alert_id,site,terminal,") {
		t.Errorf("english csv header:\n%s", csv)
	}
}

// TestSupervisorNamesGuards: a supervisor gives a guard the name customers
// hear; a guard cannot, and a name that is too long is refused.
func TestSupervisorNamesGuards(t *testing.T) {
	r := newRig(t)
	s, scsrf := r.login(t, "sup")
	g, gcsrf := r.login(t, "ga")
	u := r.srv.URL + "/users/ga/display_name"
	if got, _ := status(t, g, "POST", u, url.Values{"display_name": {"假名"}}, map[string]string{"X-CSRF-Token": gcsrf}); got != 404 {
		t.Errorf("guard naming a guard: %d, want 404", got)
	}
	if got, _ := status(t, s, "POST", u, url.Values{"display_name": {strings.Repeat("王", 33)}}, map[string]string{"X-CSRF-Token": scsrf}); got != 400 {
		t.Errorf("33-character name: %d, want 400", got)
	}
	if got, _ := status(t, s, "POST", u, url.Values{"display_name": {"王师傅"}, "csrf": {scsrf}}, nil); got != http.StatusSeeOther {
		t.Errorf("supervisor naming ga: %d, want 303", got)
	}
	if got, err := r.st.User(context.Background(), "ga"); err != nil || got.DisplayName != "王师傅" {
		t.Fatalf("ga display name %q (%v)", got.DisplayName, err)
	}
	_, page := status(t, s, "GET", r.srv.URL+"/supervisor", nil, nil)
	if !strings.Contains(page, `name="display_name" value="王师傅"`) {
		t.Error("supervisor view does not show the name")
	}
}

// TestChartsAreAccessible: the supervisor's charts are SVG images with a
// title and a data table standing for them.
func TestChartsAreAccessible(t *testing.T) {
	r := newRig(t)
	i := r.alert(t, "A1", "S1")
	_, _ = r.svc.Claim(context.Background(), i.ID, "ga", 60)
	s, _ := r.login(t, "sup")
	_, page := status(t, s, "GET", r.srv.URL+"/supervisor", nil, nil)
	for _, want := range []string{`role="img" aria-labelledby="c0-levels-t"`, `<title id="c0-levels-t">S1：每日事件（按级别）</title>`,
		`<title id="c0-claim-t">S1：接警用时分布</title>`, `<caption>S1：到场用时分布</caption>`, `<th scope="row">30秒内</th><td>1</td>`} {
		if !strings.Contains(page, want) {
			t.Errorf("supervisor charts lack %q", want)
		}
	}
}

// TestShellIsPublicAndHoldsNoData: the installable app's files are served
// without a session; the service worker caches only the shell.
func TestShellIsPublicAndHoldsNoData(t *testing.T) {
	r := newRig(t)
	c := client()
	for path, ctype := range map[string]string{"/manifest.webmanifest": "application/manifest+json", "/sw.js": "text/javascript; charset=utf-8",
		"/icon-192.png": "image/png", "/icon-512.png": "image/png"} {
		res, err := c.Get(r.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		_, _ = b.ReadFrom(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != ctype {
			t.Errorf("%s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if strings.HasSuffix(path, ".png") {
			img, err := png.Decode(&b)
			if err != nil || (img.Bounds().Dx() != 192 && img.Bounds().Dx() != 512) {
				t.Errorf("%s is not a square icon: %v", path, err)
			}
		}
		if path == "/sw.js" {
			files := b.String()[strings.Index(b.String(), "var FILES"):]
			files = files[:strings.Index(files, "\n")]
			for _, data := range []string{"/incidents", "/api", "/events", `"/"`, "/supervisor"} {
				if strings.Contains(files, data) {
					t.Errorf("service worker caches %s: %s", data, files)
				}
			}
		}
	}
}
