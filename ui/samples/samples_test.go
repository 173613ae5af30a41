package samples

import (
	"strings"
	"testing"

	"github.com/transferguard/transferguard/agent/screen"
)

func TestEveryScreenInEveryLanguage(t *testing.T) {
	for _, name := range screen.Names {
		for _, lang := range Langs {
			s, err := Get(name, lang)
			if err != nil {
				t.Fatalf("Get(%q, %q): %v", name, lang, err)
			}
			if s.Name != name || s.Lang != lang {
				t.Errorf("%s_%s: holds name %q lang %q", name, lang, s.Name, s.Lang)
			}
			if s.Title == "" && len(s.Lines) == 0 {
				t.Errorf("%s_%s: no text", name, lang)
			}
		}
	}
	if got, want := len(All()), len(screen.Names)*len(Langs); got != want {
		t.Errorf("All() has %d screens, want %d", got, want)
	}
}

func TestTheTextsThatSaveMoney(t *testing.T) {
	must := map[string][]string{
		"standby_zh":          {"转账须谨慎，防止被诈骗"},
		"standby_en":          {"Transfer carefully — beware of fraud"},
		"transfer_warning_zh": {"24小时", "96110"},
		"transfer_warning_en": {"24 hours", "96110"},
		"high_risk_zh":        {"请挂断电话，工作人员正在赶来帮助您"},
		"high_risk_en":        {"Please hang up — staff are coming to help you"},
	}
	for _, s := range All() {
		all := s.Title + "\n" + strings.Join(s.Lines, "\n") + "\n" + s.Footer
		for _, want := range must[string(s.Name)+"_"+s.Lang] {
			if !strings.Contains(all, want) {
				t.Errorf("%s_%s does not say %q", s.Name, s.Lang, want)
			}
		}
	}
}

func TestUnknownSample(t *testing.T) {
	if _, err := Get("nope", "zh"); err == nil {
		t.Error("Get of an unknown screen: no error")
	}
}
