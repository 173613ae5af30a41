package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/dispatch/notify/notifytest"
	"github.com/transferguard/transferguard/dispatch/notify/webhook"
)

var now = time.Unix(1795000000, 0)

// TestWebhookFormatAndSignature checks the request against CONTRACT §10
// with an HMAC computed here, not by the package under test.
func TestWebhookFormatAndSignature(t *testing.T) {
	rcv := notifytest.NewReceiver(t)
	secret := []byte("lobby-secret")
	ch := &webhook.Channel{URL: rcv.URL + "/tg", Secret: secret, Now: func() time.Time { return now }}
	if err := ch.Send(context.Background(), notifytest.Sample()); err != nil {
		t.Fatal(err)
	}
	reqs := rcv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("got %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("content type %q", got)
	}
	ts := r.Header.Get("X-TG-Timestamp")
	if ts != "1795000000" {
		t.Errorf("timestamp %q, want unix seconds 1795000000", ts)
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(ts + "." + string(r.Body)))
	if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); r.Header.Get("X-TG-Signature") != want {
		t.Errorf("signature %q, want %q", r.Header.Get("X-TG-Signature"), want)
	}
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body["v"] != 1.0 || body["event"] != "raised" || body["rung"] != "lobby guards" {
		t.Errorf("body %v", body)
	}
	inc, _ := body["incident"].(map[string]any)
	var keys []string
	for k := range inc {
		keys = append(keys, k)
	}
	want := []string{"age", "alert_id", "amount_minor", "currency", "held", "id", "kind", "level", "location",
		"reasons", "site", "state", "terminal", "url"}
	if !sameSet(keys, want) {
		t.Errorf("incident keys %v, want %v", keys, want)
	}
	if inc["age"] != 72.0 || inc["location"] != "lobby, ATM by the door" || inc["url"] != "http://127.0.0.1:8080/incidents/inc1" || inc["held"] != true {
		t.Errorf("incident %v", inc)
	}
	if s := string(r.Body); strings.Contains(s, "622202") || strings.Contains(s, "3445") || strings.Contains(s, "621700") {
		t.Errorf("card or payee number in the body: %s", s)
	}
}

func sameSet(a, b []string) bool {
	m := map[string]bool{}
	for _, k := range a {
		m[k] = true
	}
	n := map[string]bool{}
	for _, k := range b {
		n[k] = true
	}
	return reflect.DeepEqual(m, n)
}

func TestWebhookNon2xxIsFailure(t *testing.T) {
	rcv := notifytest.NewReceiver(t)
	rcv.SetDown(true)
	ch := &webhook.Channel{URL: rcv.URL, Secret: []byte("s")}
	err := ch.Send(context.Background(), notifytest.Sample())
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("got %v, want a 503 failure", err)
	}
}

func TestWebhookErrorsHideTheURL(t *testing.T) {
	ch := &webhook.Channel{URL: "http://127.0.0.1:1/hook?token=very-secret", Secret: []byte("s")}
	err := ch.Send(context.Background(), notifytest.Sample())
	if err == nil || strings.Contains(err.Error(), "very-secret") {
		t.Fatalf("got %v, want an error without the URL", err)
	}
}

func TestVerify(t *testing.T) {
	secret, body := []byte("k"), []byte(`{"v":1}`)
	sig := webhook.Sign(secret, "1795000000", body)
	cases := []struct {
		name      string
		ts, sig   string
		body      []byte
		wantError bool
	}{
		{"good", "1795000000", sig, body, false},
		{"tampered body", "1795000000", sig, []byte(`{"v":2}`), true},
		{"other timestamp", "1795000001", sig, body, true},
		{"stale", "1794990000", webhook.Sign(secret, "1794990000", body), body, true},
		{"no scheme", "1795000000", strings.TrimPrefix(sig, "sha256="), body, true},
		{"not a number", "soon", sig, body, true},
	}
	for _, c := range cases {
		err := webhook.Verify(secret, c.ts, c.sig, c.body, now, 5*time.Minute)
		if (err != nil) != c.wantError {
			t.Errorf("%s: got %v, want error %v", c.name, err, c.wantError)
		}
	}
}
