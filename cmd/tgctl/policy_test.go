package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/internal/mosquittotest"
)

// Layers of TestPolicy: the fleet adds a rule, the site changes the
// reminder, the terminal the cooling-off.
const (
	fleetDoc = `{"version":3,"issued":"2026-11-26T09:00:00Z","scope":"fleet","alerts":{"medium":35},
  "rules":{"night-transfer":{"when":"fn == \"TRANSFER\"","score":10,"text":{"zh":"夜间转账","en":"Night transfer"}}}}`
	siteDoc     = `{"version":2,"issued":"2026-11-26T09:00:00Z","scope":"site","site":"S1","timings":{"reminder_s":8}}`
	terminalDoc = `{"version":5,"issued":"2026-11-26T09:00:00Z","scope":"terminal","site":"S1","terminal":"T1","timings":{"cooling_off_s":25}}`
)

// TestPolicy: tgctl policy prints the merged policy and where each key
// came from, checked against the merge of the same layers computed here;
// a retained document signed by an untrusted key is not in force.
func TestPolicy(t *testing.T) {
	broker := mosquittotest.Start(t)
	c := brokerClient(t, broker.URL())
	it, stranger := keys(t), keys(t)
	bodies := []map[string]any{config.Defaults()}
	for topic, doc := range map[string]string{"tg/v1/config/set": fleetDoc, "tg/v1/S1/config/set": siteDoc, "tg/v1/S1/T1/config/set": terminalDoc} {
		_, raw := signRaw(t, it, dsse.TypeConfig, doc)
		retain(t, c, topic, raw)
	}
	for _, doc := range []string{fleetDoc, siteDoc, terminalDoc} {
		d, err := config.ParseDocument([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, d.Body)
	}
	_, forged := signRaw(t, stranger, dsse.TypeConfig, `{"version":9,"issued":"2026-11-26T09:00:00Z","scope":"terminal","site":"S1","terminal":"T2","timings":{"cooling_off_s":0}}`)
	retain(t, c, "tg/v1/S1/T2/config/set", forged)

	want := map[string]any{}
	for _, b := range bodies {
		want = config.Merge(want, b)
	}
	wantJSON, _ := json.Marshal(want)
	var wantPolicy map[string]any
	_ = json.Unmarshal(wantJSON, &wantPolicy)

	out, e, code := tgctl(t, "policy", "--broker", broker.URL(), "--wait", "300ms", "--trust-key", it+".pub", "--site", "S1", "--terminal", "T1", "--json")
	var got effective
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil {
		t.Fatalf("policy --json: %d %v %s %s", code, err, out, e)
	}
	if !reflect.DeepEqual(got.Policy, wantPolicy) {
		t.Fatalf("policy: got %v\nwant %v", got.Policy, wantPolicy)
	}
	for path, src := range map[string]string{
		"timings.cooling_off_s": "terminal", "timings.reminder_s": "site", "alerts.medium": "fleet",
		"rules.night-transfer.score": "fleet", "alerts.high": "defaults", "rules.payee-listed.when": "defaults",
	} {
		if got.Sources[path] != src {
			t.Errorf("source of %s: got %q, want %q", path, got.Sources[path], src)
		}
	}
	if len(got.Layers) != 4 || got.Layers[3].Version != 5 || len(got.Refused) != 0 {
		t.Errorf("layers %+v refused %+v", got.Layers, got.Refused)
	}
	if _, err := config.Build(bodies...); err != nil {
		t.Fatalf("the test's layers do not validate: %v", err)
	}

	out, _, code = tgctl(t, "policy", "--broker", broker.URL(), "--wait", "300ms", "--trust-key", it+".pub", "--site", "S1", "--terminal", "T2")
	if code != 0 || !strings.Contains(out, "refused, not in force: tg/v1/S1/T2/config/set unknown_key") ||
		!lineHas(out, "timings.cooling_off_s", "10", "defaults") || !lineHas(out, "timings.reminder_s", "8", "site") {
		t.Fatalf("policy of T2:\n%s", out)
	}
}

// lineHas says whether some line of out has exactly these fields.
func lineHas(out string, fields ...string) bool {
	for _, l := range strings.Split(out, "\n") {
		if strings.Join(strings.Fields(l), " ") == strings.Join(fields, " ") {
			return true
		}
	}
	return false
}

// TestRollback: rollback of a terminal publishes a signed header-only
// document one version above the highest known, and the terminal's
// policy falls back to the site and fleet layers.
func TestRollback(t *testing.T) {
	broker := mosquittotest.Start(t)
	c := brokerClient(t, broker.URL())
	reportStatus(t, c, "S1", "T1")
	it := keys(t)
	_, raw := signRaw(t, it, dsse.TypeConfig, terminalDoc) // v5
	retain(t, c, "tg/v1/S1/T1/config/set", raw)
	_, site := signRaw(t, it, dsse.TypeConfig, siteDoc)
	retain(t, c, "tg/v1/S1/config/set", site)
	// The terminal reports v7 applied (a copy since cleared from the broker).
	retain(t, c, "tg/v1/S1/T1/config/state", []byte(`{"v":1,"ts":"2026-11-26T10:00:00Z","site":"S1","terminal":"T1",`+
		`"config":{"fleet":null,"site":null,"terminal":{"version":7,"issued":"2026-11-26T09:00:00Z","keyid":"x"}},"watchlist":null,"last_rejection":null}`))

	out, e, code := tgctl(t, "rollback", "--broker", broker.URL(), "--wait", "300ms", "--trust-key", it+".pub",
		"--key", it+".key", "--site", "S1", "--terminal", "T1")
	if code != 0 || !strings.Contains(out, "v8 with no policy keys") || !strings.Contains(e, "timings.cooling_off_s") {
		t.Fatalf("rollback: %d %q %q", code, out, e)
	}
	env, err := dsse.Parse([]byte(retained(t, c, "tg/v1/S1/T1/config/set")), dsse.MaxConfigEnvelope)
	if err != nil {
		t.Fatalf("retained after rollback: %v", err)
	}
	d, err := config.ParseDocument(env.Payload)
	if err != nil || d.Version != 8 || d.Scope != "terminal" || d.Site != "S1" || d.Terminal != "T1" || len(d.Body) != 0 {
		t.Fatalf("rollback document: %+v %v", d, err)
	}
	out, _, _ = tgctl(t, "policy", "--broker", broker.URL(), "--wait", "300ms", "--trust-key", it+".pub", "--site", "S1", "--terminal", "T1")
	if !lineHas(out, "timings.cooling_off_s", "10", "defaults") || !lineHas(out, "timings.reminder_s", "8", "site") {
		t.Fatalf("policy after rollback:\n%s", out)
	}
	other := keys(t)
	_, e, code = tgctl(t, "rollback", "--broker", broker.URL(), "--wait", "300ms", "--trust-key", it+".pub",
		"--key", other+".key", "--site", "S1")
	if code != 1 || !strings.Contains(e, "not a trusted key") || retained(t, c, "tg/v1/S1/config/set") != string(site) {
		t.Fatalf("rollback signed by an untrusted key: %d %q, want a refusal and the site copy unchanged", code, e)
	}
}
