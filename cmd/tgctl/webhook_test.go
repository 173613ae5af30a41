package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/dispatch/notify/notifytest"
	"github.com/transferguard/transferguard/dispatch/notify/webhook"
)

// post sends body to h signed with secret at ts and returns the status.
func post(h http.Handler, secret string, ts time.Time, body []byte) int {
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	s := strconv.FormatInt(ts.Unix(), 10)
	r.Header.Set(webhook.HeaderTimestamp, s)
	r.Header.Set(webhook.HeaderSignature, webhook.Sign([]byte(secret), s, body))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code
}

func TestWebhookListenPrintsVerifiedEventsOnce(t *testing.T) {
	var out, log bytes.Buffer
	h := &hookPrinter{secret: []byte("demo"), skew: time.Minute, out: &out, log: &log}
	body, _ := json.Marshal(notifytest.Sample())
	if code := post(h, "demo", time.Now(), body); code != http.StatusNoContent {
		t.Fatalf("signed event: status %d", code)
	}
	if code := post(h, "demo", time.Now(), body); code != http.StatusNoContent {
		t.Fatalf("repeat: status %d", code)
	}
	if got := out.String(); strings.Count(got, "raised: high risk at DEMO/ATM-1") != 1 || !strings.Contains(got, "customer age: 72") {
		t.Errorf("printed %q, want the event once with the customer's age", got)
	}
	for name, code := range map[string]int{
		"wrong secret": post(h, "other", time.Now(), body),
		"stale":        post(h, "demo", time.Now().Add(-time.Hour), body),
	} {
		if code != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", name, code)
		}
	}
	if !strings.Contains(log.String(), "rejected") {
		t.Errorf("rejections not reported: %q", log.String())
	}
}

func TestWebhookListenNeedsSecret(t *testing.T) {
	var out, errb bytes.Buffer
	t.Setenv("TG_EMPTY_SECRET", "")
	if code := run([]string{"webhook-listen", "--secret-env", "TG_EMPTY_SECRET"}, &out, &errb); code != 2 {
		t.Fatalf("exit %d, want 2 (%s)", code, errb.String())
	}
}
