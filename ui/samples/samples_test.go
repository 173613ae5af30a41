package samples

import (
	"slices"
	"strings"
	"testing"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
)

func TestEveryScreenInEveryLanguage(t *testing.T) {
	for _, name := range Names {
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
	if got, want := len(All()), len(Names)*len(Langs); got != want {
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

// Every screen the agent decides has a sample, and the choice screens
// offer what the contract says: three choices on the warning (continue
// only after the countdown), no continue while staff are called, six
// answers to the purpose question.
func TestSamplesCoverTheContract(t *testing.T) {
	for _, name := range screen.Names {
		if !slices.Contains(Names, name) {
			t.Errorf("screen %q has no sample", name)
		}
	}
	want := map[wire.ScreenName][]string{
		wire.ScreenTransferWarning: {"stop", "help", "continue"},
		wire.ScreenHighRisk:        {"stop", "help"},
		wire.ScreenQuestion:        {"family", "business", "investment", "online", "authority", "refund"},
	}
	for _, s := range All() {
		var ids []string
		for _, c := range s.Choices {
			ids = append(ids, c.ID)
			if c.ID == screen.ChoiceContinue && !c.AfterCountdown {
				t.Errorf("%s_%s: continue works during the countdown", s.Name, s.Lang)
			}
			if c.Key == "" || !strings.Contains(c.Label, keyName(c.Key, s.Lang)) {
				t.Errorf("%s_%s: choice %q does not name its key %q", s.Name, s.Lang, c.Label, c.Key)
			}
		}
		if !slices.Equal(ids, want[s.Name]) {
			t.Errorf("%s_%s: choices %v, want %v", s.Name, s.Lang, ids, want[s.Name])
		}
	}
}

// keyName is how a label names a terminal key: Chinese keypads print
// 确认 and 取消 on ENTER and CANCEL.
func keyName(key, lang string) string {
	if lang == "zh" {
		switch key {
		case "ENTER":
			return "【确认】"
		case "CANCEL":
			return "【取消】"
		}
	}
	return key
}

func TestUnknownSample(t *testing.T) {
	if _, err := Get("nope", "zh"); err == nil {
		t.Error("Get of an unknown screen: no error")
	}
}
