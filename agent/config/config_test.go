package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestShippedDefaultsBuild(t *testing.T) {
	p, err := Build(Defaults())
	if err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if got, want := p.Timings.CoolingOffS, 10; got != want {
		t.Errorf("cooling_off_s = %d, want %d", got, want)
	}
	if got := p.Screens["zh"].Standby.Title; got != "转账须谨慎，防止被诈骗" {
		t.Errorf("zh standby title = %q", got)
	}
	if len(p.OrderedRules()) < 3 {
		t.Errorf("only %d rules enabled", len(p.OrderedRules()))
	}
}

// Every file shipped in configs/ must validate: a broken example is a
// support call waiting to happen.
func TestEveryConfigsFileValidates(t *testing.T) {
	// dispatch-*.yaml belong to tgdispatch, which checks its own.
	files, _ := filepath.Glob("../../configs/*.yaml")
	files = slices.DeleteFunc(files, func(f string) bool { return strings.HasPrefix(filepath.Base(f), "dispatch-") })
	if len(files) == 0 {
		t.Fatal("no files in configs/")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f, "default.yaml") {
			if _, err := ParseYAML(b); err != nil {
				t.Errorf("%s: %v", f, err)
			}
			continue
		}
		lf, err := LoadFile(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if _, err := Build(Defaults(), lf.Policy); err != nil {
			t.Errorf("%s: policy: %v", f, err)
		}
	}
}

func TestBuildRejects(t *testing.T) {
	tests := []struct {
		name  string
		layer string
		want  []string
	}{
		{"unknown top key", "timngs: {}", []string{"timngs: unknown key"}},
		{"unknown nested key", "timings: {cooling_of_s: 3}", []string{"timings.cooling_of_s: unknown key"}},
		{"unknown rule key", "rules: {payee-listed: {scor: 3}}", []string{"rules.payee-listed.scor: unknown key"}},
		{"rule does not compile", "rules: {x: {when: 'age >', score: 1, text: {zh: a, en: b}}}", []string{"rules.x.when:"}},
		{"rule not boolean", "rules: {x: {when: 'age + 1', score: 1, text: {zh: a, en: b}}}", []string{"rules.x.when:"}},
		{"rule unknown variable", "rules: {x: {when: 'agee > 1', score: 1, text: {zh: a, en: b}}}", []string{"rules.x.when:"}},
		{"several problems at once", "timings: {cooling_off_s: -1, heartbeat_s: 0}\nalerts: {hold_level: always}",
			[]string{"timings.cooling_off_s", "timings.heartbeat_s", "alerts.hold_level"}},
		{"wrong type", "timings: {cooling_off_s: ten}", []string{"cooling_off_s"}},
		{"bad time zone", "timezone: Mars/Olympus", []string{"timezone"}},
		{"missing rule text", "rules: {x: {when: 'true', score: 1, text: {zh: a}}}", []string{"rules.x.text.en: missing"}},
		{"language without screens", "languages: [zh, en, fr]", []string{"screens.fr: missing"}},
		{"help key not a function key", "help_key: F9", []string{"help_key"}},
		{"unknown question key", "questions: {purpose: {timout_s: 3}}", []string{"questions.purpose.timout_s: unknown key"}},
		{"unknown key inside a choice", "questions: {purpose: {choices: [{id: a, key: F1, lable: {zh: x, en: y}}]}}",
			[]string{"questions.purpose.choices[0].lable: unknown key"}},
		{"question kind, channel, timeout", "questions: {purpose: {kind: essay, channel: WEB, timeout_s: 0}}",
			[]string{"questions.purpose.kind", "questions.purpose.channel", "questions.purpose.timeout_s"}},
		{"question condition does not compile", "questions: {purpose: {when: 'amount >'}}", []string{"questions.purpose.when:"}},
		{"choice key twice or the help key", "questions: {purpose: {choices: [{id: a, key: F8, label: {zh: x, en: y}}, {id: b, key: F1, label: {zh: x, en: y}}, {id: c, key: F1, label: {zh: x, en: y}}]}}",
			[]string{"questions.purpose.choices[0].key", "questions.purpose.choices[2].key"}},
		{"choice id reserved", "questions: {purpose: {choices: [{id: none, key: F1, label: {zh: x, en: y}}, {id: b, key: F2, label: {zh: x, en: y}}]}}",
			[]string{"questions.purpose.choices[0].id"}},
		{"question text missing", "questions: {knows_payee: {text: {en: ''}}}", []string{"questions.knows_payee.text.en: missing"}},
		{"teller advice level", "teller_advice: {panic: {zh: x, en: y}}", []string{"teller_advice.panic"}},
		{"timeout advice level", "questions: {knows_payee: {timeout_advice: {level: hurry}}}", []string{"questions.knows_payee.timeout_advice.level"}},
		{"choice label missing", "screens: {en: {transfer_warning: {choices: {help: ' '}}}}", []string{"screens.en.transfer_warning.choices.help: must not be empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			layer, err := ParseYAML([]byte(tt.layer))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Build(Defaults(), layer)
			if err == nil {
				t.Fatalf("Build accepted %q", tt.layer)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestMergeKeyByKey(t *testing.T) {
	fleet, _ := ParseYAML([]byte("timings: {cooling_off_s: 20}\nrules: {payee-listed: {score: 90}}"))
	site, _ := ParseYAML([]byte("timings: {reminder_s: 3}\nrules: {phone-call-during-transfer: {enabled: false}}"))
	p, err := Build(Defaults(), fleet, site)
	if err != nil {
		t.Fatal(err)
	}
	if p.Timings.CoolingOffS != 20 || p.Timings.ReminderS != 3 || p.Timings.HeartbeatS != 5 {
		t.Errorf("timings = %+v, want cooling 20, reminder 3, heartbeat kept 5", p.Timings)
	}
	if r := p.Rules["payee-listed"]; r.Score != 90 || r.When != "payee_listed" {
		t.Errorf("payee-listed = %+v, want score 90 with its condition kept", r)
	}
	for _, r := range p.OrderedRules() {
		if r.ID == "phone-call-during-transfer" {
			t.Error("disabled rule still evaluated")
		}
	}
}

func TestParseDocument(t *testing.T) {
	good := `{"version":3,"issued":"2026-11-26T10:00:00Z","scope":"site","site":"S1","timings":{"cooling_off_s":15}}`
	d, err := ParseDocument([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != 3 || d.Scope != ScopeSite || d.Site != "S1" {
		t.Errorf("header = %+v", d)
	}
	if _, err := Build(Defaults(), d.Body); err != nil {
		t.Errorf("body does not build: %v", err)
	}
	bad := map[string]string{
		"no version":        `{"issued":"2026-11-26T10:00:00Z","scope":"fleet"}`,
		"zero version":      `{"version":0,"issued":"2026-11-26T10:00:00Z","scope":"fleet"}`,
		"fraction version":  `{"version":1.5,"issued":"2026-11-26T10:00:00Z","scope":"fleet"}`,
		"bad issued":        `{"version":1,"issued":"yesterday","scope":"fleet"}`,
		"bad scope":         `{"version":1,"issued":"2026-11-26T10:00:00Z","scope":"world"}`,
		"site without site": `{"version":1,"issued":"2026-11-26T10:00:00Z","scope":"site"}`,
		"terminal no id":    `{"version":1,"issued":"2026-11-26T10:00:00Z","scope":"terminal","site":"S1"}`,
		"trailing":          `{"version":1,"issued":"2026-11-26T10:00:00Z","scope":"fleet"} {}`,
		"not json":          `version: 1`,
	}
	for name, doc := range bad {
		if _, err := ParseDocument([]byte(doc)); err == nil {
			t.Errorf("%s: accepted %s", name, doc)
		}
	}
}
