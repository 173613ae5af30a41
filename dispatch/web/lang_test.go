package web_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestLanguageChoice: ?lang sets a cookie that wins over Accept-Language;
// without either, Accept-Language decides; without it, Chinese.
func TestLanguageChoice(t *testing.T) {
	r := newRig(t)
	r.alert(t, "A1", "S1")
	for _, tc := range []struct {
		name, path, accept, cookie string
		want, notWant              []string
		setsCookie                 string
	}{
		{name: "default is Chinese", path: "/login", want: []string{`lang="zh-CN"`, "保安控制台", ">登录<"}, notWant: []string{"Guard console"}},
		{name: "Accept-Language en", path: "/login", accept: "en-US,en;q=0.9", want: []string{`lang="en"`, "Guard console"}},
		{name: "Accept-Language prefers zh", path: "/login", accept: "en;q=0.5, zh-CN;q=0.8", want: []string{"保安控制台"}},
		{name: "Accept-Language unsupported", path: "/login", accept: "fr-FR, de;q=0.9", want: []string{"保安控制台"}},
		{name: "cookie beats Accept-Language", path: "/login", accept: "zh-CN", cookie: "en", want: []string{"Guard console"}},
		{name: "bad cookie ignored", path: "/login", accept: "en", cookie: "xx", want: []string{"Guard console"}},
		{name: "?lang beats cookie", path: "/login?lang=zh", cookie: "en", accept: "en", want: []string{"保安控制台"}, setsCookie: "zh"},
		{name: "?lang=en", path: "/login?lang=en", want: []string{"Guard console", "Log in"}, setsCookie: "en"},
		{name: "bad ?lang ignored", path: "/login?lang=fr", accept: "en", want: []string{"Guard console"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", r.srv.URL+tc.path, nil)
			if tc.accept != "" {
				req.Header.Set("Accept-Language", tc.accept)
			}
			if tc.cookie != "" {
				req.AddCookie(&http.Cookie{Name: "tg_lang", Value: tc.cookie})
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := read(t, res)
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(body, w) {
					t.Errorf("page has %q", w)
				}
			}
			var got string
			for _, c := range res.Cookies() {
				if c.Name == "tg_lang" {
					got = c.Value
				}
			}
			if got != tc.setsCookie {
				t.Errorf("tg_lang cookie set to %q, want %q", got, tc.setsCookie)
			}
			for _, sw := range []string{`href="/login?lang=zh"`, `href="/login?lang=en"`, ">中文<", ">English<"} {
				if !strings.Contains(body, sw) {
					t.Errorf("language switch lacks %s", sw)
				}
			}
		})
	}
}

// TestLanguageRemembered: after ?lang=en every page of the session, the
// live list fragment and the script's messages are English; back to zh
// with ?lang=zh. The switch keeps the page's query.
func TestLanguageRemembered(t *testing.T) {
	r := newRig(t)
	r.alert(t, "A1", "S1")
	c, _ := r.login(t, "ga")
	_, page := status(t, c, "GET", r.srv.URL+"/", nil, nil)
	for _, want := range []string{">接警<", ">3分钟到<", "刚刚", `lang="zh-CN"`, "开启声音", "&#34;guard.live&#34;:&#34;实时&#34;"} {
		if !strings.Contains(page, want) {
			t.Errorf("default guard page lacks %q", want)
		}
	}
	if !strings.Contains(page, `title="规则：phone" data-rule="phone">On the phone during a transfer<`) { // as the agent sent it
		t.Error("reason text not shown as it came, with its rule as a tooltip")
	}
	status(t, c, "GET", r.srv.URL+"/?lang=en", nil, nil)
	for _, path := range []string{"/", "/incidents/list"} {
		_, page = status(t, c, "GET", r.srv.URL+path, nil, nil)
		if !strings.Contains(page, ">Take it<") || strings.Contains(page, "接警") {
			t.Errorf("%s after ?lang=en is not English", path)
		}
	}
	s, _ := r.login(t, "sup")
	_, page = status(t, s, "GET", r.srv.URL+"/supervisor?from=2026-11-01&to=2026-11-02&lang=en", nil, nil)
	if !strings.Contains(page, "Last heard") || !strings.Contains(page, `href="/supervisor?from=2026-11-01&amp;lang=zh&amp;to=2026-11-02"`) {
		t.Errorf("supervisor page in English with a switch keeping the period:\n%s", page)
	}
	_, page = status(t, s, "GET", r.srv.URL+"/supervisor?lang=zh", nil, nil)
	if !strings.Contains(page, "最后联络") {
		t.Error("?lang=zh did not switch back")
	}
}

// TestErrorsInLanguage: the texts the script shows in an alert box follow
// the language too.
func TestErrorsInLanguage(t *testing.T) {
	r := newRig(t)
	i := r.alert(t, "A1", "S1")
	c, csrf := r.login(t, "ga")
	h := map[string]string{"X-CSRF-Token": csrf}
	u := r.srv.URL + "/incidents/" + i.ID
	status(t, c, "POST", u+"/claim", nil, h)
	if got, body := status(t, c, "POST", u+"/claim", nil, h); got != 409 || !strings.Contains(body, "此事件已有新进展") {
		t.Errorf("claim twice: %d %q, want 409 in Chinese", got, body)
	}
	h["Accept-Language"] = "en"
	if got, body := status(t, c, "POST", u+"/resolve", nil, h); got != 400 || !strings.Contains(body, "needs a note") {
		t.Errorf("resolve without outcome: %d %q, want 400 in English", got, body)
	}
}

func read(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
