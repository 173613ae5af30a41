package main

import (
	"crypto/ed25519"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/remote"
	"github.com/transferguard/transferguard/internal/mosquittotest"
)

// TestPushStatus pushes a signed terminal config and watchlist to a real
// broker, lets a terminal (remote.Remote behind a test client) apply what
// is retained and report, and reads the result back with tgctl status.
func TestPushStatus(t *testing.T) {
	broker := mosquittotest.Start(t)
	prefix, dir := keys(t), t.TempDir()
	reportStatus(t, brokerClient(t, broker.URL()), "S1", "T1") // push refuses a topic no terminal reads
	for kind, in := range map[string]string{"config": "testdata/terminal.yaml", "watchlist": "testdata/watchlist.json"} {
		env := filepath.Join(dir, kind+".json")
		if _, e, code := tgctl(t, "sign", "--key", prefix+".key", "--type", kind, "--out", env, in); code != 0 {
			t.Fatalf("sign: %s", e)
		}
		out, e, code := tgctl(t, "push", "--broker", broker.URL(), "--timeout", "5s", "--wait", "300ms", "--trust-key", prefix+".pub", env)
		if code != 0 {
			t.Fatalf("push %s: %d %s", kind, code, e)
		}
		want := map[string]string{"config": "tg/v1/S1/T1/config/set", "watchlist": "tg/v1/watchlist/set"}[kind]
		if !strings.Contains(out, want) {
			t.Fatalf("push %s: got %q, want topic %s", kind, out, want)
		}
	}
	runTerminal(t, broker.URL(), prefix+".pub")

	out, e, code := tgctl(t, "status", "--broker", broker.URL(), "--wait", "500ms")
	if code != 0 {
		t.Fatalf("status: %d %s", code, e)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("status: got\n%s\nwant a header and one terminal", out)
	}
	if got := strings.Fields(lines[1]); strings.Join(got[:10], " ") != "S1 T1 online up off - - v2 v7 (3)" {
		t.Fatalf("status row: got %q", lines[1])
	}
	if !strings.Contains(lines[1], "unknown_key tg/v1/config/set") {
		t.Fatalf("status row lacks the last rejection: %q", lines[1])
	}
	out, e, code = tgctl(t, "status", "--broker", broker.URL(), "--wait", "500ms", "--json")
	var rows []statusJSON
	if err := json.Unmarshal([]byte(out), &rows); code != 0 || err != nil {
		t.Fatalf("status --json: %d %s %v", code, e, err)
	}
	if len(rows) != 1 || rows[0].Status == nil || rows[0].Status.State != "online" || rows[0].ConfigState == nil ||
		rows[0].ConfigState.Watchlist == nil || rows[0].ConfigState.Watchlist.Version != 7 {
		t.Fatalf("status --json: got %s", out)
	}
	if out, _, _ := tgctl(t, "status", "--broker", broker.URL(), "--wait", "300ms", "--site", "S9"); !strings.Contains(out, "no terminal") {
		t.Fatalf("status --site S9: got %q", out)
	}
}

// runTerminal plays the agent's part: read the retained documents, apply
// them, and publish retained status and config/state.
func runTerminal(t *testing.T, url, pubFile string) {
	t.Helper()
	pem, _ := os.ReadFile(pubFile)
	pubs, err := dsse.ParsePublicKeys(pem)
	if err != nil {
		t.Fatal(err)
	}
	ring, _ := dsse.NewKeyRing(pubs...)
	r, err := remote.New(remote.Options{Keys: ring, Site: "S1", Terminal: "T1", Store: &remote.MemStore{}, Clock: clock.Real{}})
	if err != nil {
		t.Fatal(err)
	}
	c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID("terminal-T1"))
	if tok := c.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("terminal connect: %v", tok.Error())
	}
	defer c.Disconnect(100)
	got := make(chan mqtt.Message, 8)
	subs := map[string]byte{}
	for _, s := range remote.Subscriptions("S1", "T1") {
		subs[s] = 1
	}
	c.SubscribeMultiple(subs, func(_ mqtt.Client, m mqtt.Message) { got <- m }).WaitTimeout(5 * time.Second)
	for range 2 {
		select {
		case m := <-got:
			if _, err := r.Offer(m.Topic(), m.Payload()); err != nil {
				t.Fatalf("terminal refused %s: %v", m.Topic(), err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("terminal did not receive the retained documents")
		}
	}
	// A forged document is refused and reported.
	forged, _ := dsse.Sign(dsse.TypeConfig, []byte(`{"version":9}`), ed25519.NewKeyFromSeed(make([]byte, 32)))
	raw, _ := forged.Marshal()
	_, _ = r.Offer(remote.FleetConfigTopic, raw)

	state, _ := r.State()
	status, _ := json.Marshal(envelope.Status{State: "online", TS: time.Now(), Boot: "b1", Agent: "test", Link: "up", UI: "off"})
	for topic, payload := range map[string][]byte{"tg/v1/S1/T1/config/state": state, "tg/v1/S1/T1/status": status} {
		if tok := c.Publish(topic, 1, true, payload); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
			t.Fatalf("publish %s: %v", topic, tok.Error())
		}
	}
}
