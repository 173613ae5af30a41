package dispatchauth

import (
	"errors"
	"fmt"

	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/envelope"
)

// Reason is a stable, machine-readable code for a refused dispatch; it is
// the "reason" field of the log line. The set only grows.
type Reason string

// Refusal reasons (docs/signing.md lists them with what to do).
const (
	ReasonMalformed     Reason = "malformed"      // not a DSSE dispatch envelope, or an incomplete payload
	ReasonUnsigned      Reason = "unsigned"       // no signature: a plain dispatch object or an empty list
	ReasonUnknownKey    Reason = "unknown_key"    // signed, but by no --dispatch-key (or none was given)
	ReasonBadSignature  Reason = "bad_signature"  // names a trusted key, but does not verify: forged or changed
	ReasonWrongTerminal Reason = "wrong_terminal" // signed for another site or terminal
	ReasonStale         Reason = "stale"          // ts more than MaxAge ago
	ReasonFuture        Reason = "future"         // ts more than MaxSkew ahead of this terminal's clock
	ReasonReplayed      Reason = "replayed"       // the same signed payload was already acted on
)

// Refusal says why a dispatch was ignored. AlertID and State are those of
// the payload when it could be read (they help an operator find the
// incident); Text is for people.
type Refusal struct {
	Reason  Reason
	Text    string
	AlertID string
	State   string
}

// Error makes a Refusal usable as an error.
func (r *Refusal) Error() string {
	return fmt.Sprintf("dispatchauth: dispatch refused: %s: %s", r.Reason, r.Text)
}

func refuse(reason Reason, d envelope.Dispatch, format string, args ...any) *Refusal {
	return &Refusal{Reason: reason, Text: fmt.Sprintf(format, args...), AlertID: d.AlertID, State: string(d.State)}
}

// signatureRefusal maps a dsse verification error to its reason.
func signatureRefusal(err error, keys int) *Refusal {
	switch {
	case errors.Is(err, dsse.ErrUnsigned):
		return &Refusal{Reason: ReasonUnsigned, Text: "the envelope has no signature"}
	case errors.Is(err, dsse.ErrUnknownKey) && keys == 0:
		return &Refusal{Reason: ReasonUnknownKey, Text: "no --dispatch-key was given: every dispatch is ignored"}
	case errors.Is(err, dsse.ErrUnknownKey):
		return &Refusal{Reason: ReasonUnknownKey, Text: "not signed by any --dispatch-key"}
	default: // ErrBadSignature, ErrTampered
		return &Refusal{Reason: ReasonBadSignature, Text: "the signature of a trusted key does not verify: forged or changed after signing"}
	}
}
