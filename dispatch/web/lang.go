package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Languages of the console; zh is the default (the guards read Chinese).
const (
	langZH      = "zh"
	langEN      = "en"
	defaultLang = langZH
	langCookie  = "tg_lang"
	langParam   = "lang"
	langMaxAge  = 365 * 24 * 3600
)

// langs lists the languages in the order the switch shows them.
var langs = []struct{ Code, Name, HTML string }{{langZH, "中文", "zh-CN"}, {langEN, "English", "en"}}

// supported tells a language code the console speaks.
func supported(code string) bool {
	_, ok := messages[code]
	return ok
}

// langOf picks the request's language: ?lang= (remembered in a cookie),
// else the cookie, else Accept-Language, else Chinese.
func (s *Server) langOf(w http.ResponseWriter, r *http.Request) string {
	if q := r.URL.Query().Get(langParam); supported(q) {
		if w != nil {
			s.setCookie(w, langCookie, q, langMaxAge)
		}
		return q
	}
	if c, err := r.Cookie(langCookie); err == nil && supported(c.Value) {
		return c.Value
	}
	if l := acceptLanguage(r.Header.Get("Accept-Language")); l != "" {
		return l
	}
	return defaultLang
}

// acceptLanguage returns the supported language the header prefers most
// ("" for none); ties keep the header's order. Malformed parts are skipped.
func acceptLanguage(h string) string {
	best, bestQ := "", 0.0
	for part := range strings.SplitSeq(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if supported(primary) && q > bestQ {
			best, bestQ = primary, q
		}
	}
	return best
}

// msg is message key in lang, formatted with args; an unknown key shows
// itself (a test keeps every key defined).
func msg(lang, key string, args ...any) string {
	m, ok := messages[lang][key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(m, args...)
	}
	return m
}

// code names a store code in lang ("kind", "risk" → 风险), or the code
// itself when the table has no word for it.
func code(lang, ns, c string) string {
	if m, ok := messages[lang][ns+"."+c]; ok {
		return m
	}
	return c
}

// ago writes how long ago an incident was raised, as the script does and
// as a guard says it: "刚刚" under a minute, then whole minutes, then hours.
func ago(lang string, s int64) string {
	switch {
	case s < 60:
		return msg(lang, "ago.now")
	case s < 3600:
		return msg(lang, "ago.min", s/60)
	}
	return msg(lang, "ago.hour", s/3600)
}

// scriptMessages is the JSON of the messages the script needs.
func scriptMessages(lang string) string {
	m := make(map[string]string, len(scriptKeys))
	for _, k := range scriptKeys {
		m[k] = msg(lang, k)
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// langLink is one entry of the language switch.
type langLink struct {
	Code, Name, URL string
	Current         bool
}

// switchLinks are the current page's URL in each language.
func switchLinks(r *http.Request, lang string) []langLink {
	out := make([]langLink, len(langs))
	for n, l := range langs {
		q := url.Values{}
		if r.Method == http.MethodGet {
			q = r.URL.Query()
		}
		q.Set(langParam, l.Code)
		path := r.URL.Path
		if r.Method != http.MethodGet {
			path = "/login"
		}
		out[n] = langLink{Code: l.Code, Name: l.Name, URL: path + "?" + q.Encode(), Current: l.Code == lang}
	}
	return out
}

// htmlLang is the lang attribute of a page in lang.
func htmlLang(lang string) string {
	for _, l := range langs {
		if l.Code == lang {
			return l.HTML
		}
	}
	return lang
}
