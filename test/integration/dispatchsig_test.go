//go:build integration

package integration

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/dispatchauth"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/wire"
)

// heldTransfer is a session the agent holds (a phone call during a
// transfer by a 67-year-old) and leaves open for the guard.
const heldTransfer = `HELLO proto=1
START channel=ATM card=6222021234563445 age=67 lang=zh
+100ms SENSOR kind=PHONE_CALL state=ON
+100ms FUNC fn=TRANSFER
+100ms PAYEE acct=6217001234567890123 new=1
+100ms AMOUNT minor=2000000 cur=CNY
expect HOLD within 2s
`

// TestSignedDispatchOnlyReleasesHold is issue 8 end to end, through
// mosquitto and the real tgagent on a pty: a forged unsigned "resolved",
// a signed one for another terminal, a stale one, one signed by an
// untrusted key and a replayed signed message are all ignored, logged with
// their reason, and the HOLD stands; a properly signed "resolved" releases.
func TestSignedDispatchOnlyReleasesHold(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	console, pubPath := newKeyPair(t, r.dir, "dispatch.pub.pem")
	r.extra = []string{"--dispatch-key", pubPath}
	r.startAgent()
	r.sub.await(10*time.Second, "status online", hasStatus(map[string]string{"state": "online"}))
	r.play(heldTransfer)
	alerts := r.sub.await(10*time.Second, "the alert", func(m []message) bool { return len(onTopic(m, "alert")) > 0 })
	alertID, _ := decode(t, onTopic(alerts, "alert")[0])["alert_id"].(string)

	now := time.Now().UTC()
	good := envelope.Dispatch{AlertID: alertID, State: wire.DispatchResolved, Guard: "g7", Site: site, Terminal: terminal, TS: envelope.Time(now)}
	claimed := good
	claimed.State = wire.DispatchClaimed
	elsewhere := good
	elsewhere.Terminal = "T2"
	stale := good
	stale.TS = envelope.Time(now.Add(-10 * time.Minute))
	_, stranger, _ := ed25519.GenerateKey(rand.Reader)
	signedClaim := signDispatch(t, claimed, console)
	topic := prefix + "dispatch"
	for _, raw := range [][]byte{
		[]byte(`{"alert_id":"` + alertID + `","state":"resolved","guard":"evil"}`),
		signDispatch(t, elsewhere, console),
		signDispatch(t, stale, console),
		signDispatch(t, good, stranger),
		signedClaim, signedClaim, // the second is a replay
	} {
		publishOnce(t, r.broker.URL(), topic, raw)
	}
	for _, reason := range []string{"unsigned", "wrong_terminal", "stale", "unknown_key", "replayed"} {
		awaitLog(t, r.agent, `"reason":"`+reason+`"`)
	}
	ctx := context.Background()
	if err := r.player.Expect(ctx, frame.Frame{Type: wire.Release}, 500*time.Millisecond); err == nil {
		t.Fatal("the HOLD was released by a dispatch that must be ignored")
	}
	for _, m := range onTopic(r.sub.all(), "alert") {
		if decode(t, m)["held"] == false {
			t.Fatalf("alert_update says held:false before a signed resolved: %s", m.Payload)
		}
	}

	publishOnce(t, r.broker.URL(), topic, signDispatch(t, good, console))
	if err := r.player.Expect(ctx, frame.Frame{Type: wire.Release}, 5*time.Second); err != nil {
		t.Fatalf("a signed resolved did not release: %v\n%s", err, r.agent.log())
	}
	r.play("+100ms END\n")
}

func signDispatch(t *testing.T, d envelope.Dispatch, key ed25519.PrivateKey) []byte {
	t.Helper()
	raw, err := dispatchauth.Sign(d, key)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// publishOnce sends a non-retained QoS 1 message, as a console does.
func publishOnce(t *testing.T, url, topic string, payload []byte) {
	t.Helper()
	pushMessage(t, url, topic, payload, false)
}

// awaitLog waits until the agent's log holds want.
func awaitLog(t *testing.T, a *agent, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(a.log(), want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("agent log has no %s:\n%s", want, a.log())
}
