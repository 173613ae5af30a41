//go:build integration

package integration

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/transferguard/transferguard/agent/dsse"
)

// listedPayee is the police-listed account of these tests (fictitious).
const listedPayee = "6217009999888877776"

// TestSignedWatchlistSurvivesRestartWithBrokerDown is issue 4's promise
// end to end: bank IT signs and pushes a watchlist; the terminal applies
// it and says so on config/state; a forged list is refused with its
// reason; and after a restart with the broker down the terminal still
// holds a transfer to the listed account, from what it stored.
func TestSignedWatchlistSurvivesRestartWithBrokerDown(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	r.addPANs(listedPayee)
	bank, pubPath := newKeyPair(t, r.dir, "bank-it.pub.pem")
	r.extra = []string{"--trust-key", pubPath}
	r.startAgent()
	r.sub.await(10*time.Second, "status online", hasStatus(map[string]string{"state": "online"}))

	pushRetained(t, r.broker.URL(), "tg/v1/watchlist/set", signedWatchlist(t, bank, 1, listedPayee))
	r.sub.await(10*time.Second, "config/state with watchlist version 1", configState(func(s map[string]any) bool {
		w, _ := s["watchlist"].(map[string]any)
		return w != nil && w["version"] == float64(1)
	}))

	_, forger, _ := ed25519.GenerateKey(rand.Reader)
	pushRetained(t, r.broker.URL(), "tg/v1/watchlist/set", signedWatchlist(t, forger, 2))
	r.sub.await(10*time.Second, "the forged list refused as unknown_key", configState(func(s map[string]any) bool {
		rej, _ := s["last_rejection"].(map[string]any)
		w, _ := s["watchlist"].(map[string]any)
		return rej != nil && rej["reason"] == "unknown_key" && w != nil && w["version"] == float64(1)
	}))

	r.play(transferTo(listedPayee))
	if code := r.agent.stop(); code != 0 {
		t.Fatalf("tgagent exited %d on SIGTERM", code)
	}
	r.broker.Stop()
	r.startAgent() // same state dir, no broker
	r.play(transferTo(listedPayee))
	r.broker.Restart()
}

// transferTo is a transfer to acct that the agent must hold before any
// CONFIRM.
func transferTo(acct string) string {
	return fmt.Sprintf(`HELLO proto=1
START channel=ATM card=6222021234563445 age=40 lang=zh
+100ms FUNC fn=TRANSFER
+100ms PAYEE acct=%s name="X" new=1
expect HOLD reason=risk_high within 2s
+100ms CANCEL
+100ms END
`, acct)
}

// newKeyPair makes an Ed25519 key and writes its public half as PEM to
// dir/name, as tgctl keygen does, for the agent's --*-key flags.
func newKeyPair(t *testing.T, dir, name string) (ed25519.PrivateKey, string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pem, err := dsse.MarshalPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem, 0o644); err != nil {
		t.Fatal(err)
	}
	return priv, path
}

func signedWatchlist(t *testing.T, key ed25519.PrivateKey, version int, accounts ...string) []byte {
	doc, _ := json.Marshal(map[string]any{
		"version": version, "issued": time.Now().UTC().Format(time.RFC3339),
		"accounts": append([]string{}, accounts...), "phones": []string{},
	})
	env, err := dsse.Sign(dsse.TypeWatchlist, doc, key)
	if err != nil {
		t.Fatal(err)
	}
	b, err := env.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func pushRetained(t *testing.T, url, topic string, payload []byte) {
	t.Helper()
	pushMessage(t, url, topic, payload, true)
}

func pushMessage(t *testing.T, url, topic string, payload []byte, retain bool) {
	t.Helper()
	c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID(fmt.Sprintf("it-push-%d", time.Now().UnixNano())))
	if tok := c.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("connect to push: %v", tok.Error())
	}
	defer c.Disconnect(100)
	if tok := c.Publish(topic, 1, retain, payload); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("push %s: %v", topic, tok.Error())
	}
}

func configState(cond func(map[string]any) bool) func([]message) bool {
	return func(m []message) bool {
		st := onTopic(m, "config/state")
		var v map[string]any
		return len(st) > 0 && json.Unmarshal(st[len(st)-1].Payload, &v) == nil && cond(v)
	}
}
