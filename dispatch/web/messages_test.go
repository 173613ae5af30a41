package web

import (
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/transferguard/transferguard/dispatch/auth"
	"github.com/transferguard/transferguard/dispatch/incident"
)

// TestMessagesBothLanguages: every key has a text in every language, with
// the same fmt verbs in the same order.
func TestMessagesBothLanguages(t *testing.T) {
	verbs := regexp.MustCompile(`%[a-z]`)
	for lang, table := range messages {
		for other, ot := range messages {
			for k, v := range table {
				ov, ok := ot[k]
				if !ok {
					t.Errorf("%q is in %s but not in %s", k, lang, other)
					continue
				}
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s %q is empty", lang, k)
				}
				if got, want := verbs.FindAllString(ov, -1), verbs.FindAllString(v, -1); !slices.Equal(got, want) {
					t.Errorf("%q: %s has verbs %v, %s has %v", k, other, got, lang, want)
				}
			}
		}
	}
	if !supported(defaultLang) || len(langs) != len(messages) {
		t.Fatal("the switch and the table disagree on the languages")
	}
}

// usedKeys are the message keys the templates, the script's list and the
// Go handlers ask for.
func usedKeys(t *testing.T) map[string]string {
	t.Helper()
	used := map[string]string{}
	tkey := regexp.MustCompile(`\{\{-?\s*t "([^"]+)"`)
	tlNS := regexp.MustCompile(`tl "([^"]+)"`)
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, p)
		for _, m := range tkey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = p
		}
		for _, m := range tlNS.FindAllStringSubmatch(string(b), -1) {
			used["ns:"+m[1]] = p
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range scriptKeys {
		used[k] = "scriptKeys"
	}
	goKey := regexp.MustCompile(`(?:msg\([^,]+, |loginForm\(w, r, [^,]+, )"([a-z_]+\.[a-z_.]+)"`)
	files, _ := os.ReadDir(".")
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") {
			continue
		}
		b, err := os.ReadFile(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = f.Name()
		}
	}
	return used
}

// TestEveryUsedKeyDefined: no page, script or handler asks for a key the
// table lacks (it would show the key), and every code a namespace lookup
// can meet has a word.
func TestEveryUsedKeyDefined(t *testing.T) {
	used := usedKeys(t)
	if len(used) < 50 {
		t.Fatalf("found only %d used keys: the scan is broken", len(used))
	}
	codes := map[string][]string{
		"level": {incident.LevelHigh, incident.LevelMedium},
		"kind": {incident.KindRisk, incident.KindPanic, incident.KindTamper, incident.KindOffline, incident.KindLinkDown, incident.KindUIDown, incident.KindFollowUp,
			incident.KindHelp, incident.KindStorage},
		"state":   {incident.StateNew, incident.StateClaimed, incident.StateArrived, incident.StateResolved},
		"outcome": incident.Outcomes,
		"action": {incident.ActionRaised, incident.ActionUpdated, incident.ActionClaimed, incident.ActionArrived, incident.ActionResolved,
			incident.ActionRenotified, incident.ActionEscalated, incident.ActionRecovered, incident.ActionSession,
			incident.ActionFollowedUp, incident.ActionEvaluated},
		"rating": incident.Ratings,
		"term":   {"online", "offline", "up", "down"},
		"role":   {auth.RoleGuard, auth.RoleSupervisor, auth.RoleAdmin},
		"actor":  {incident.ActorSystem},
	}
	for lang, table := range messages {
		for k, where := range used {
			if ns, ok := strings.CutPrefix(k, "ns:"); ok {
				if len(codes[ns]) == 0 {
					t.Errorf("%s looks up namespace %q that the test does not know", where, ns)
				}
				for _, c := range codes[ns] {
					if _, ok := table[ns+"."+c]; !ok {
						t.Errorf("%s: %s.%s has no word", lang, ns, c)
					}
				}
				continue
			}
			if _, ok := table[k]; !ok {
				t.Errorf("%s uses %q, not defined in %s", where, k, lang)
			}
		}
	}
}

func TestAcceptLanguage(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "zh-CN,zh;q=0.9,en;q=0.8": "zh", "en-US,en;q=0.9": "en", "en;q=0.3, zh-TW;q=0.7": "zh",
		"fr, de;q=0.9": "", "*": "", "EN-gb": "en", "en;q=abc, zh;q=0.1": "zh", "zh;q=0, en;q=0.1": "en", "en;q=2": "",
	} {
		if got := acceptLanguage(in); got != want {
			t.Errorf("acceptLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzAcceptLanguage(f *testing.F) {
	for _, s := range []string{"zh-CN,zh;q=0.9,en;q=0.8", "en;q=", ";;,,q=1", "en-US;q=0.5;level=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if got := acceptLanguage(h); got != "" && !supported(got) {
			t.Fatalf("acceptLanguage(%q) = %q: unsupported", h, got)
		}
	})
}

func TestAge(t *testing.T) {
	for _, tc := range []struct {
		lang string
		s    int64
		want string
	}{{langZH, 5, "刚刚"}, {langZH, 59, "刚刚"}, {langZH, 120, "2分钟前"}, {langZH, 7300, "2小时前"}, {langEN, 119, "1 min ago"}, {langEN, 150, "2 min ago"}} {
		if got := ago(tc.lang, tc.s); got != tc.want {
			t.Errorf("ago(%s, %d) = %q, want %q", tc.lang, tc.s, got, tc.want)
		}
	}
}
