package backtest_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/transferguard/transferguard/agent/backtest"
	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/rules"
)

// reference decides as the terminal does, every rule not fired evaluated
// at every snapshot, through encoding/json: what Decide must equal.
func reference(t *testing.T, p *config.Policy, snaps []json.RawMessage) backtest.Decision {
	t.Helper()
	fired := map[string]bool{}
	var d backtest.Decision
	err := rules.Replay(snaps, func(env *rules.Env) {
		d.Score = p.Score(env, fired, nil, nil)
		if l := p.Level(d.Score); l.Rank() > d.Level.Rank() {
			d.Level = l
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range p.OrderedRules() {
		if fired[r.ID] {
			d.Rules = append(d.Rules, r.ID)
		}
	}
	return d
}

// Decide evaluates a rule again only when one of its inputs changed; on
// every record of a month, under candidates whose rules read inputs that
// change at every step or that it cannot analyse, it decides exactly as
// evaluating every rule at every snapshot does.
func TestDecideSkipsOnlyWhatCannotChange(t *testing.T) {
	recs, _ := month(t, 3000)
	lines := bytes.Split(bytes.TrimSpace(recs), []byte("\n"))
	for _, body := range []string{
		"",
		`,"rules":{"elderly-large-transfer":{"when":"fn == \"TRANSFER\" && age >= 60 && currency == \"CNY\" && amount_minor >= 300000"}}`,
		`,"rules":{"coached-by-phone":{"when":"session_s >= 16 && session_s < 17"},` +
			`"new-payee-large-transfer":{"when":"confirmed && pause_s >= 12 && amount_minor > 400000"},` +
			`"payee-not-known":{"when":"let s = func_s; s >= 14 && s < 15 && payee_new"},` +
			`"repeat-new-payee":{"when":"$env.confirmed && amount_minor > 1000000"}}`,
	} {
		c, err := backtest.Load(doc(body))
		if err != nil {
			t.Fatal(err)
		}
		alerts := 0
		for _, l := range lines {
			var rec backtest.Record
			if err := json.Unmarshal(l, &rec); err != nil {
				t.Fatal(err)
			}
			got, err := backtest.Decide(c.Policy, rec.Inputs)
			if err != nil {
				t.Fatal(err)
			}
			if want := reference(t, c.Policy, rec.Inputs); !reflect.DeepEqual(got, want) {
				t.Fatalf("candidate %s, session %s: Decide %+v, want %+v", body, rec.Session, got, want)
			}
			if len(got.Rules) > 0 {
				alerts++
			}
		}
		if alerts == 0 {
			t.Fatalf("candidate %s: no rule fired on any record; the comparison tests nothing", body)
		}
	}
}
