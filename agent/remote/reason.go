package remote

import (
	"errors"
	"fmt"
	"time"

	"github.com/transferguard/transferguard/agent/dsse"
)

// Reason is a stable, machine-readable rejection code published on
// config/state. Consoles and scripts may switch on it; the set only grows.
type Reason string

// Rejection reasons.
const (
	ReasonTooLarge         Reason = "too_large"          // envelope over the size limit of its kind
	ReasonMalformed        Reason = "malformed"          // not a DSSE envelope, bad base64, payload not JSON
	ReasonWrongTopic       Reason = "wrong_topic"        // a topic that carries no signed document
	ReasonWrongPayloadType Reason = "wrong_payload_type" // config on the watchlist topic or the reverse
	ReasonUnsigned         Reason = "unsigned"           // no signatures at all
	ReasonUnknownKey       Reason = "unknown_key"        // signed, but by no trusted key
	ReasonBadSignature     Reason = "bad_signature"      // names a trusted key, not an Ed25519 signature
	ReasonTampered         Reason = "tampered"           // names a trusted key, does not match the payload
	ReasonWrongScope       Reason = "wrong_scope"        // scope, site or terminal not this terminal's or the topic's
	ReasonStaleVersion     Reason = "stale_version"      // version not higher than the one applied
	ReasonExpired          Reason = "expired"            // its "expires" time has passed
	ReasonInvalidConfig    Reason = "invalid_config"     // header or policy does not validate
	ReasonInvalidWatchlist Reason = "invalid_watchlist"  // watchlist document does not validate
	ReasonStoreFailed      Reason = "store_failed"       // could not be stored durably; not applied
	ReasonStoreDamaged     Reason = "store_damaged"      // a stored watchlist is unreadable, damaged or under another hash key
)

// Rejection says why a document was refused. Nothing changed when one is
// returned. Text is for people and never contains an account number.
type Rejection struct {
	Topic   string    `json:"topic"`
	Reason  Reason    `json:"reason"`
	Text    string    `json:"text"`
	Version int64     `json:"version,omitempty"` // 0 when the document could not be read
	TS      time.Time `json:"ts"`
}

// Error makes a Rejection usable as an error.
func (r *Rejection) Error() string {
	return fmt.Sprintf("remote: %s rejected: %s: %s", r.Topic, r.Reason, r.Text)
}

func reject(reason Reason, format string, args ...any) *Rejection {
	return &Rejection{Reason: reason, Text: fmt.Sprintf(format, args...)}
}

// signatureReason maps a dsse verification error to its reason.
func signatureReason(err error) *Rejection {
	switch {
	case errors.Is(err, dsse.ErrUnsigned):
		return reject(ReasonUnsigned, "the envelope has no signature")
	case errors.Is(err, dsse.ErrUnknownKey):
		return reject(ReasonUnknownKey, "not signed by any trusted key")
	case errors.Is(err, dsse.ErrBadSignature):
		return reject(ReasonBadSignature, "the signature for a trusted key is not an Ed25519 signature")
	default:
		return reject(ReasonTampered, "the signature of a trusted key does not match the payload: changed after signing")
	}
}

// parseReason maps a dsse.Parse error to its reason.
func parseReason(err error) *Rejection {
	if errors.Is(err, dsse.ErrTooLarge) {
		return reject(ReasonTooLarge, "%v", err)
	}
	return reject(ReasonMalformed, "%v", err)
}
