// Package webhook is the generic signed webhook of CONTRACT §10: the
// message as JSON, POSTed with X-TG-Timestamp (unix seconds) and
// X-TG-Signature: sha256=<hex HMAC-SHA-256(secret, timestamp + "." + body)>.
// A 2xx answer is delivery.
//
// # Trust model
//
// The receiver holds the same secret and checks the signature over the
// exact bytes received, and the timestamp against its own clock (Verify
// allows a skew), so a captured request cannot be altered or replayed
// later. The secret is read from the environment by tgdispatch, never
// logged.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/transferguard/transferguard/dispatch/notify"
)

// Header names and the signature's scheme prefix.
const (
	HeaderTimestamp = "X-TG-Timestamp"
	HeaderSignature = "X-TG-Signature"
	scheme          = "sha256="
)

// Channel posts signed messages to one URL.
type Channel struct {
	URL    string
	Secret []byte
	Client *http.Client     // nil: notify.DefaultClient
	Now    func() time.Time // nil: time.Now; the timestamp signed
}

// Send posts m; nil means a 2xx answer.
func (c *Channel) Send(ctx context.Context, m notify.Message) error {
	body, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("webhook: encode: %w", err)
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	ts := strconv.FormatInt(now().Unix(), 10)
	h := http.Header{}
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderSignature, Sign(c.Secret, ts, body))
	if _, err := notify.PostJSON(ctx, c.Client, c.URL, h, body); err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	return nil
}

// Sign is the X-TG-Signature value of body sent at timestamp ts.
func Sign(secret []byte, ts string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return scheme + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a received request's signature (in constant time) and
// that its timestamp is within skew of now. It is what a receiver runs
// (tgctl webhook-listen does).
func Verify(secret []byte, ts, sig string, body []byte, now time.Time, skew time.Duration) error {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("webhook: %s is not unix seconds", HeaderTimestamp)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > skew || d < -skew {
		return fmt.Errorf("webhook: timestamp %s off by %s (allowed %s)", ts, d.Round(time.Second), skew)
	}
	if !strings.HasPrefix(sig, scheme) || !hmac.Equal([]byte(sig), []byte(Sign(secret, ts, body))) {
		return fmt.Errorf("webhook: bad signature")
	}
	return nil
}
