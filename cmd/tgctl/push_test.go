package main

import (
	"os"
	"strings"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/internal/mosquittotest"
)

// signRaw signs a JSON document with the key PREFIX.key without tgctl
// sign's validation (so tests can make documents sign refuses), and
// returns the envelope file and its bytes.
func signRaw(t *testing.T, prefix, payloadType, doc string) (string, []byte) {
	t.Helper()
	pem, err := os.ReadFile(prefix + ".key")
	if err != nil {
		t.Fatal(err)
	}
	key, err := dsse.ParsePrivateKey(pem)
	if err != nil {
		t.Fatal(err)
	}
	env, err := dsse.Sign(payloadType, []byte(doc), key)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := env.Marshal()
	f, err := os.CreateTemp(t.TempDir(), "env-*.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(raw); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	return f.Name(), raw
}

// brokerClient connects a plain test client to url.
func brokerClient(t *testing.T, url string) mqtt.Client {
	t.Helper()
	c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID("test-" + t.Name() + time.Now().Format("150405.000000")))
	if tok := c.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("connect: %v", tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(100) })
	return c
}

// retain publishes payload retained on topic.
func retain(t *testing.T, c mqtt.Client, topic string, payload []byte) {
	t.Helper()
	if tok := c.Publish(topic, 1, true, payload); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("publish %s: %v", topic, tok.Error())
	}
}

// reportStatus makes terminal site/terminal known: a retained status, as
// the agent publishes it.
func reportStatus(t *testing.T, c mqtt.Client, site, terminal string) {
	t.Helper()
	retain(t, c, "tg/v1/"+site+"/"+terminal+"/status",
		[]byte(`{"state":"online","ts":"2026-11-26T10:00:00Z","boot":"b1","agent":"test","link":"up","ui":"off"}`))
}

// retained returns what the broker retains on topic ("" for nothing).
func retained(t *testing.T, c mqtt.Client, topic string) string {
	t.Helper()
	got := make(chan []byte, 1)
	tok := c.SubscribeMultiple(map[string]byte{topic: 1}, func(_ mqtt.Client, m mqtt.Message) {
		select {
		case got <- m.Payload():
		default:
		}
	})
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe %s: %v", topic, tok.Error())
	}
	defer func() { c.Unsubscribe(topic).WaitTimeout(5 * time.Second) }()
	select {
	case b := <-got:
		return string(b)
	case <-time.After(300 * time.Millisecond): // retained messages follow the SUBACK at once
		return ""
	}
}

// TestPushRefusals: each unsafe push is refused with its reason, exit 1,
// and the broker's retained copy is unchanged afterwards (finding 7).
func TestPushRefusals(t *testing.T) {
	broker := mosquittotest.Start(t)
	c := brokerClient(t, broker.URL())
	reportStatus(t, c, "S1", "T1")
	it, stranger := keys(t), keys(t)
	const topic = "tg/v1/S1/T1/config/set"
	v1, v1raw := signRaw(t, it, dsse.TypeConfig,
		`{"version":1,"issued":"2026-11-26T09:00:00Z","scope":"terminal","site":"S1","terminal":"T1","timings":{"cooling_off_s":20}}`)
	push := func(args ...string) (string, string, int) {
		return tgctl(t, append([]string{"push", "--broker", broker.URL(), "--timeout", "5s", "--wait", "300ms", "--trust-key", it + ".pub"}, args...)...)
	}
	if out, e, code := push(v1); code != 0 || !strings.Contains(out, "read by 1 terminal(s) (S1/T1)") {
		t.Fatalf("push v1: %d %q %q", code, out, e)
	}
	strangerPub, _ := os.ReadFile(stranger + ".pub")
	strangerKeys, _ := dsse.ParsePublicKeys(strangerPub)
	wrongKey, _ := signRaw(t, stranger, dsse.TypeConfig,
		`{"version":2,"issued":"2026-11-26T09:00:00Z","scope":"terminal","site":"S1","terminal":"T1"}`)
	invalid, _ := signRaw(t, it, dsse.TypeConfig,
		`{"version":3,"issued":"2026-11-26T09:00:00Z","scope":"terminal","site":"S1","terminal":"T1","timings":{"cooling_off_s":999}}`)
	stale, _ := signRaw(t, it, dsse.TypeConfig,
		`{"version":1,"issued":"2026-11-26T09:00:00Z","scope":"terminal","site":"S1","terminal":"T1","timings":{"cooling_off_s":30}}`)
	for _, tc := range []struct {
		name, env, topic string
		want             []string
	}{
		{"wrong key", wrongKey, topic, []string{"not a trusted key", dsse.KeyID(strangerKeys[0])}},
		{"invalid", invalid, topic, []string{"invalid_config", "cooling_off_s: 999 is outside 0..300"}},
		{"stale version", stale, topic, []string{"stale version: the broker retains v1", "stale_version"}},
		{"unknown site", v1, "tg/v1/S2/T1/config/set", []string{"empty audience", "tg/v1/S2/T1/status", "S1/T1"}},
		{"lower-case site", v1, "tg/v1/s1/T1/config/set", []string{"empty audience", "case-sensitive"}},
	} {
		_, e, code := push("--topic", tc.topic, tc.env)
		if code != 1 || strings.Count(e, "\n") != 1 {
			t.Errorf("%s: exit %d %q, want 1 and one line", tc.name, code, e)
		}
		for _, w := range tc.want {
			if !strings.Contains(e, w) {
				t.Errorf("%s: %q does not say %q", tc.name, e, w)
			}
		}
		if got := retained(t, c, topic); got != string(v1raw) {
			t.Fatalf("%s: the retained copy changed to %q", tc.name, got)
		}
		if tc.topic != topic && retained(t, c, tc.topic) != "" {
			t.Fatalf("%s: something was retained on %s", tc.name, tc.topic)
		}
	}
}

// TestPushValidatesWithOtherScopes: a site document that is valid over
// the defaults alone is refused when the retained terminal document makes
// the merge invalid on that terminal, as the agent would refuse it.
func TestPushValidatesWithOtherScopes(t *testing.T) {
	broker := mosquittotest.Start(t)
	c := brokerClient(t, broker.URL())
	reportStatus(t, c, "S1", "T1")
	reportStatus(t, c, "S1", "T2")
	it := keys(t)
	_, term := signRaw(t, it, dsse.TypeConfig,
		`{"version":1,"issued":"2026-11-26T09:00:00Z","scope":"terminal","site":"S1","terminal":"T1","alerts":{"high":75}}`)
	retain(t, c, "tg/v1/S1/T1/config/set", term)
	site, _ := signRaw(t, it, dsse.TypeConfig,
		`{"version":1,"issued":"2026-11-26T09:00:00Z","scope":"site","site":"S1","alerts":{"medium":80,"high":90}}`)
	_, e, code := tgctl(t, "push", "--broker", broker.URL(), "--wait", "300ms", "--trust-key", it+".pub", site)
	if code != 1 || !strings.Contains(e, "invalid_config") || !strings.Contains(e, "(S1/T1)") || strings.Contains(e, "T2") {
		t.Fatalf("got %d %q, want invalid_config for S1/T1 only", code, e)
	}
	if retained(t, c, "tg/v1/S1/config/set") != "" {
		t.Fatal("the refused site document was retained")
	}
}

// TestPushNotesDroppedKeys: a newer document of a scope replaces the
// previous one entirely; push says which keys fall back (finding 8).
func TestPushNotesDroppedKeys(t *testing.T) {
	broker := mosquittotest.Start(t)
	c := brokerClient(t, broker.URL())
	reportStatus(t, c, "S1", "T1")
	it := keys(t)
	_, v1 := signRaw(t, it, dsse.TypeConfig,
		`{"version":1,"issued":"2026-11-26T09:00:00Z","scope":"fleet","alerts":{"medium":35},"timings":{"reminder_s":7}}`)
	retain(t, c, "tg/v1/config/set", v1)
	v2, v2raw := signRaw(t, it, dsse.TypeConfig,
		`{"version":2,"issued":"2026-11-26T10:00:00Z","scope":"fleet","alerts":{"medium":30}}`)
	out, e, code := tgctl(t, "push", "--broker", broker.URL(), "--wait", "300ms", "--trust-key", it+".pub", v2)
	if code != 0 || !strings.Contains(e, "v2 replaces v1") || !strings.Contains(e, "timings.reminder_s") || strings.Contains(e, "alerts.medium") {
		t.Fatalf("got %d %q %q, want a note naming timings.reminder_s only", code, out, e)
	}
	if retained(t, c, "tg/v1/config/set") != string(v2raw) {
		t.Fatal("v2 not retained")
	}
}

// TestForceAndClear: --force publishes despite a failed check (with a
// warning), and clear removes the stray copy; clear refuses a topic that
// carries no document.
func TestForceAndClear(t *testing.T) {
	broker := mosquittotest.Start(t)
	c := brokerClient(t, broker.URL())
	it := keys(t)
	env, raw := signRaw(t, it, dsse.TypeConfig,
		`{"version":1,"issued":"2026-11-26T09:00:00Z","scope":"terminal","site":"s1","terminal":"T1"}`)
	const stray = "tg/v1/s1/T1/config/set"
	_, e, code := tgctl(t, "push", "--broker", broker.URL(), "--wait", "300ms", "--force", env)
	if code != 0 || !strings.Contains(e, "warning: empty audience") || !strings.Contains(e, "signature not checked") {
		t.Fatalf("push --force: %d %q", code, e)
	}
	if retained(t, c, stray) != string(raw) {
		t.Fatal("forced push not retained")
	}
	if _, e, code := tgctl(t, "clear", "--broker", broker.URL(), "--site", "s1", "--terminal", "T1"); code != 0 {
		t.Fatalf("clear: %d %q", code, e)
	}
	if got := retained(t, c, stray); got != "" {
		t.Fatalf("after clear the broker still retains %q", got)
	}
	for _, bad := range []string{"tg/v1/S1/T1/status", "tg/v1/+/config/set", "other/config/set"} {
		if _, e, code := tgctl(t, "clear", "--broker", broker.URL(), "--topic", bad); code != 2 || !strings.Contains(e, "not a document topic") {
			t.Errorf("clear --topic %s: %d %q, want a refusal", bad, code, e)
		}
	}
}

// TestVerifyMessages: verify never says "not signed" after "signature
// ok", and names the key that signed when it is not trusted.
func TestVerifyMessages(t *testing.T) {
	it, stranger := keys(t), keys(t)
	invalid, _ := signRaw(t, it, dsse.TypeConfig, `{"version":1,"issued":"2026-11-26T09:00:00Z","scope":"fleet","timings":{"cooling_off_s":999}}`)
	_, e, code := tgctl(t, "verify", "--trust-key", it+".pub", invalid)
	if code != 1 || !strings.Contains(e, "signature ok (keyid ") || !strings.Contains(e, "cooling_off_s") || strings.Contains(e, "not signed") {
		t.Errorf("invalid document: %d %q", code, e)
	}
	wrong, _ := signRaw(t, stranger, dsse.TypeConfig, `{"version":1,"issued":"2026-11-26T09:00:00Z","scope":"fleet"}`)
	pub, _ := os.ReadFile(stranger + ".pub")
	k, _ := dsse.ParsePublicKeys(pub)
	_, e, code = tgctl(t, "verify", "--trust-key", it+".pub", wrong)
	if code != 1 || !strings.Contains(e, "signed by keyid "+dsse.KeyID(k[0])) {
		t.Errorf("untrusted key: %d %q, want the signer's keyid", code, e)
	}
}
