package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/backtest"
	"github.com/transferguard/transferguard/agent/sessiongen"
	"github.com/transferguard/transferguard/agent/wire"
)

// records writes a week of session records made by the real core and
// returns the file and how many S1 sessions a 3,000 CNY elderly
// threshold adds.
func records(t *testing.T) (string, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sessions.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	extra := 0
	err = sessiongen.Generate(sessiongen.Options{Seed: 7, Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Days: 7, Sessions: 800, Sites: []string{"S1", "S2"}}, func(s sessiongen.Session) error {
		if s.Record == nil {
			return nil
		}
		if s.Site == "S1" && s.Fn == wire.FnTransfer && s.Age >= 60 && s.AmountMinor >= 300000 && s.AmountMinor < 500000 {
			extra++
		}
		return json.NewEncoder(f).Encode(s.Record)
	})
	if err != nil {
		t.Fatal(err)
	}
	return path, extra
}

func TestBacktestSiteDocument(t *testing.T) {
	path, extra := records(t)
	out, e, code := tgctl(t, "backtest", "--config", "testdata/elderly-3000.yaml", "--sessions", path, "--json")
	if code != 0 {
		t.Fatalf("backtest: %d %s", code, e)
	}
	var rep backtest.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("output is not the report: %v\n%s", err, out)
	}
	if extra == 0 || len(rep.Changed) != extra {
		t.Fatalf("changed %d sessions, want the %d elderly S1 transfers of 3,000–4,999 CNY", len(rep.Changed), extra)
	}
	for _, c := range rep.Changed {
		if c.Site != "S1" {
			t.Errorf("changed %+v outside the site document's scope", c)
		}
	}
	if rep.OutOfScope == 0 {
		t.Error("no S2 session reported out of scope")
	}
	text, _, code := tgctl(t, "backtest", "--config", "testdata/elderly-3000.yaml", "--sessions", path)
	if code != 0 || !strings.Contains(text, "new alerts:") || !strings.Contains(text, "walks/day") {
		t.Errorf("text output %d:\n%s", code, text)
	}
}

func TestBacktestRefusesInvalidCandidate(t *testing.T) {
	path, _ := records(t)
	_, e, code := tgctl(t, "backtest", "--config", "testdata/bad-config.yaml", "--sessions", path)
	if code != 1 || !strings.Contains(e, "timings.cooling_of_s") {
		t.Fatalf("invalid candidate: exit %d %q, want 1 naming timings.cooling_of_s", code, e)
	}
	if _, _, code := tgctl(t, "backtest", "--sessions", path); code != 2 {
		t.Errorf("no --config: exit %d, want 2", code)
	}
}
