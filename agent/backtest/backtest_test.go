package backtest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/backtest"
	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/sessiongen"
	"github.com/transferguard/transferguard/agent/wire"
)

// month runs a month of generated sessions through the real core and
// returns the session records as JSONL, with the plans by session id.
func month(t testing.TB, n int) ([]byte, map[string]sessiongen.Plan) {
	t.Helper()
	var buf bytes.Buffer
	plans := map[string]sessiongen.Plan{}
	err := sessiongen.Generate(sessiongen.Options{Seed: 1, Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Days: 30, Sessions: n, Sites: []string{"S1", "S2"}}, func(s sessiongen.Session) error {
		if s.Record == nil {
			return nil
		}
		plans[s.Record.Session] = s.Plan
		b, err := json.Marshal(s.Record)
		buf.Write(append(b, '\n'))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), plans
}

func doc(body string) []byte {
	return []byte(`{"version":2,"issued":"2026-12-01T00:00:00Z","scope":"fleet"` + body + `}`)
}

func run(t *testing.T, recs, document []byte) *backtest.Report {
	t.Helper()
	c, err := backtest.Load(document)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := backtest.Run(bytes.NewReader(recs), c)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// The policy in force, offered as a candidate, reproduces every recorded
// level, score-driven rule list and alert count.
func TestSameConfigReproducesMonth(t *testing.T) {
	recs, plans := month(t, 3000)
	rep := run(t, recs, doc(""))
	if len(rep.Changed) != 0 {
		t.Fatalf("%d sessions changed under the config in force, want 0; first: %+v", len(rep.Changed), rep.Changed[0])
	}
	if rep.Sessions != len(plans) || rep.NoInputs != 0 || rep.Truncated != 0 {
		t.Errorf("sessions %d (want %d), no inputs %d, truncated %d", rep.Sessions, len(plans), rep.NoInputs, rep.Truncated)
	}
	if !maps(rep.Baseline, rep.Candidate) || rep.Baseline["medium"] == 0 || rep.Baseline["high"] == 0 {
		t.Errorf("baseline %v, candidate %v: want equal, with medium and high alerts", rep.Baseline, rep.Candidate)
	}
	t.Logf("baseline %v, %d sessions, %d days", rep.Baseline, rep.Sessions, rep.Days)
	if rep.Days != 30 || rep.WalksPerDay.Baseline != rep.WalksPerDay.Candidate {
		t.Errorf("days %d, walks %+v", rep.Days, rep.WalksPerDay)
	}
}

func maps(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

// Lowering the elderly threshold from 5,000 to 3,000 CNY changes exactly
// the transfers by customers of 60 or more between the two.
func TestLowerElderlyThreshold(t *testing.T) {
	recs, plans := month(t, 3000)
	rep := run(t, recs, doc(`,"rules":{"elderly-large-transfer":{"when":"fn == \"TRANSFER\" && age >= 60 && currency == \"CNY\" && amount_minor >= 300000"}}`))
	var want []string
	for id, p := range plans {
		if p.Fn == wire.FnTransfer && p.Age >= 60 && p.AmountMinor >= 300000 && p.AmountMinor < 500000 {
			want = append(want, id)
		}
	}
	var got []string
	for _, c := range rep.Changed {
		got = append(got, c.Session)
		if !slices.Contains(c.Rules, "elderly-large-transfer") || slices.Contains(c.BaselineRules, "elderly-large-transfer") {
			t.Errorf("session %s: rules %v (was %v), want elderly-large-transfer added", c.Session, c.Rules, c.BaselineRules)
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Fatalf("changed %d sessions %v, want %d %v", len(got), got, len(want), want)
	}
	if rep.Candidate["none"] >= rep.Baseline["none"] || len(rep.New) == 0 || len(rep.Missed) != 0 {
		t.Errorf("baseline %v candidate %v new %d missed %d", rep.Baseline, rep.Candidate, len(rep.New), len(rep.Missed))
	}
	if rep.WalksPerDay.Candidate <= rep.WalksPerDay.Baseline {
		t.Errorf("walks/day %+v: want more under the lower threshold", rep.WalksPerDay)
	}
}

// A rule switched off makes its alerts missed, with the outcome the
// export carried.
func TestMissedCarryOutcome(t *testing.T) {
	recs, _ := month(t, 600)
	var lines [][]byte
	for _, l := range bytes.Split(bytes.TrimSpace(recs), []byte("\n")) {
		lines = append(lines, bytes.Replace(l, []byte(`{"v":1,`), []byte(`{"v":1,"outcome":"fraud_stopped",`), 1))
	}
	rep := run(t, bytes.Join(lines, []byte("\n")), doc(`,"rules":{"phone-call-during-transfer":{"enabled":false},"payee-listed":{"enabled":false}}`))
	if len(rep.Missed) == 0 {
		t.Fatal("no missed alerts with the phone and payee rules off")
	}
	for _, m := range rep.Missed {
		if m.Outcome != "fraud_stopped" || m.Candidate != "none" || m.AlertID == "" {
			t.Errorf("missed %+v: want outcome fraud_stopped, candidate none and the alert id", m)
		}
	}
}

// A candidate that fails validation is refused with every problem.
func TestInvalidCandidateRefused(t *testing.T) {
	_, err := backtest.Load(doc(`,"alerts":{"medium":"forty"},"rules":{"x":{"when":"amount_minr > 1","score":10}}`))
	var ve *config.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Load = %v, want a *config.ValidationError", err)
	}
	if !strings.Contains(err.Error(), "alerts.medium") {
		t.Errorf("error %q does not name alerts.medium", err)
	}
}

// A broken line stops the run and is named; changed sessions come in
// file order whatever the number of workers.
func TestBadLineAndOrder(t *testing.T) {
	recs, _ := month(t, 1500)
	lines := bytes.Split(bytes.TrimSpace(recs), []byte("\n"))
	c, err := backtest.Load(doc(`,"alerts":{"medium":10}`))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := backtest.Run(bytes.NewReader(recs), c)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, l := range lines {
		var r struct{ Session string }
		_ = json.Unmarshal(l, &r)
		order = append(order, r.Session)
	}
	last := -1
	for _, ch := range rep.Changed {
		at := slices.Index(order, ch.Session)
		if at <= last {
			t.Fatalf("changed session %s (line %d) after line %d: not in file order", ch.Session, at+1, last+1)
		}
		last = at
	}
	broken := append(append(append([][]byte{}, lines[:700]...), []byte(`{"session":`)), lines[700:]...)
	if _, err := backtest.Run(bytes.NewReader(bytes.Join(broken, []byte("\n"))), c); err == nil || !strings.Contains(err.Error(), "line 701") {
		t.Fatalf("broken line 701: err %v", err)
	}
}
