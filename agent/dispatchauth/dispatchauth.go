// Package dispatchauth decides whether a dispatch message from the broker
// (CONTRACT §4, §7, §12) may act on this terminal, and signs the ones a
// guard console sends. It is pure: it reads no wall clock (it is given a
// clock.Clock) and does no I/O; the MQTT link hands it bytes.
//
// # Trust model
//
// A dispatch "resolved" releases a fraud HOLD, so it is the most sensitive
// message in the system, and anyone who can publish to the broker can
// also read the alert_id it names. The agent therefore acts on a dispatch
// only when, in this order:
//
//   - it is a DSSE envelope of at most dsse.MaxDispatchEnvelope bytes with
//     payload type dsse.TypeDispatch (else malformed);
//   - a signature verifies with a key given by --dispatch-key, which only
//     tgdispatch (--signing-key) and the bank's tgctl (--key) hold (else
//     unsigned, unknown_key or bad_signature);
//   - the payload is a complete dispatch (alert_id, a known state, ts)
//     (else malformed);
//   - it names this terminal's site and terminal (else wrong_terminal), so
//     a message signed for one ATM cannot be replayed at another;
//   - its ts is no more than MaxAge old (else stale) and no more than
//     MaxSkew ahead of this terminal's clock (else future);
//   - the same payload was not accepted before (else replayed).
//
// Anything else is a *Refusal with a stable Reason; the Gate logs it and
// the core never sees the message. A Verifier with no keys refuses every
// dispatch: a terminal not told whom to trust keeps every HOLD (fail safe).
//
// The replay cache lives in memory only, and that is enough: a dispatch
// acts only on the alert of the session open on this terminal, and alert
// ids are never reused; a restart of the agent ends that session, so a
// message captured before a restart names an alert that no longer exists.
// Within one process, the cache holds every accepted payload until its ts
// is MaxAge+MaxSkew old, after which the freshness check refuses it anyway.
package dispatchauth

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

// Freshness bounds: a dispatch older than MaxAge is stale; one dated more
// than MaxSkew ahead of the terminal's clock is from the future (the two
// clocks are NTP-synchronised in a bank; 30 s covers a drifting one).
const (
	MaxAge  = 5 * time.Minute
	MaxSkew = 30 * time.Second
)

// maxAlertID bounds the alert_id a dispatch may name (agent ids are ULIDs).
const maxAlertID = 128

// Options configure a Verifier. Keys and Clock are required; Keys may be
// empty (every dispatch is then refused).
type Options struct {
	Keys     *dsse.KeyRing // --dispatch-key
	Site     string        // this terminal's site id
	Terminal string        // this terminal's id
	Clock    clock.Clock
	// ReplayEntries bounds the replay cache; default DefaultReplayEntries.
	ReplayEntries int
}

// Verifier checks dispatch envelopes. It is safe for concurrent use.
type Verifier struct {
	o  Options
	mu sync.Mutex
	rc *replayCache
}

// New returns a Verifier.
func New(o Options) (*Verifier, error) {
	switch {
	case o.Keys == nil:
		return nil, errors.New("dispatchauth: no key ring (an empty one refuses every dispatch)")
	case o.Clock == nil:
		return nil, errors.New("dispatchauth: no clock")
	case o.Site == "" || o.Terminal == "":
		return nil, errors.New("dispatchauth: site and terminal are required")
	}
	if o.ReplayEntries <= 0 {
		o.ReplayEntries = DefaultReplayEntries
	}
	return &Verifier{o: o, rc: newReplayCache(o.ReplayEntries)}, nil
}

// Verify returns the dispatch carried by raw when the Trust model's checks
// all pass, with the key id that signed it; else a *Refusal as the error.
// An accepted payload is remembered, so the same bytes are refused next time.
func (v *Verifier) Verify(raw []byte) (envelope.Dispatch, string, error) {
	payload, keyID, ref := v.open(raw)
	if ref != nil {
		return envelope.Dispatch{}, "", ref
	}
	d, ref := v.check(payload)
	if ref != nil {
		return envelope.Dispatch{}, keyID, ref
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	now := v.o.Clock.Now()
	if !v.rc.add(sha256.Sum256(payload), time.Time(d.TS), now) {
		return envelope.Dispatch{}, keyID, refuse(ReasonReplayed, d, "this dispatch was already acted on")
	}
	return d, keyID, nil
}

// Remembered returns how many accepted payloads the replay cache holds.
func (v *Verifier) Remembered() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.rc.Len()
}

// open checks form, payload type and signature.
func (v *Verifier) open(raw []byte) ([]byte, string, *Refusal) {
	env, err := dsse.Parse(raw, dsse.MaxDispatchEnvelope)
	if err != nil {
		if !errors.Is(err, dsse.ErrTooLarge) && looksUnsigned(raw) {
			return nil, "", &Refusal{Reason: ReasonUnsigned, Text: "a plain dispatch object, not a signed envelope"}
		}
		return nil, "", &Refusal{Reason: ReasonMalformed, Text: err.Error()}
	}
	if env.PayloadType != dsse.TypeDispatch {
		return nil, "", &Refusal{Reason: ReasonMalformed, Text: fmt.Sprintf("payload type %q, want %q", env.PayloadType, dsse.TypeDispatch)}
	}
	keyID, err := v.o.Keys.Verify(env)
	if err != nil {
		return nil, "", signatureRefusal(err, v.o.Keys.Len())
	}
	return env.Payload, keyID, nil
}

// check reads a verified payload and checks it is complete, addressed to
// this terminal and fresh.
func (v *Verifier) check(payload []byte) (envelope.Dispatch, *Refusal) {
	var d envelope.Dispatch
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return d, &Refusal{Reason: ReasonMalformed, Text: fmt.Sprintf("payload: %v", err)}
	}
	switch {
	case d.AlertID == "" || len(d.AlertID) > maxAlertID:
		return d, refuse(ReasonMalformed, d, "alert_id missing or longer than %d bytes", maxAlertID)
	case d.State != wire.DispatchClaimed && d.State != wire.DispatchArrived && d.State != wire.DispatchResolved:
		return d, refuse(ReasonMalformed, d, "state %q is not claimed, arrived or resolved", d.State)
	case d.ETAS < 0:
		return d, refuse(ReasonMalformed, d, "eta_s is negative")
	case time.Time(d.TS).IsZero():
		return d, refuse(ReasonMalformed, d, "ts missing")
	case d.Site != v.o.Site || d.Terminal != v.o.Terminal:
		return d, refuse(ReasonWrongTerminal, d, "for %s/%s, this is %s/%s", d.Site, d.Terminal, v.o.Site, v.o.Terminal)
	}
	now, ts := v.o.Clock.Now(), time.Time(d.TS)
	switch {
	case now.Sub(ts) > MaxAge:
		return d, refuse(ReasonStale, d, "signed %s ago, more than %s", now.Sub(ts).Round(time.Second), MaxAge)
	case ts.Sub(now) > MaxSkew:
		return d, refuse(ReasonFuture, d, "dated %s ahead of this terminal's clock, more than %s", ts.Sub(now).Round(time.Second), MaxSkew)
	}
	return d, nil
}

// looksUnsigned reports whether raw is a plain dispatch object (the form
// before CONTRACT §12), so the log names it for what it is: a forgery or
// an out-of-date console.
func looksUnsigned(raw []byte) bool {
	var probe struct {
		AlertID *string `json:"alert_id"`
	}
	return json.Unmarshal(raw, &probe) == nil && probe.AlertID != nil
}

// Sign returns the DSSE envelope (JSON) of d signed with key, as tgdispatch
// and tgctl send it. The caller sets d.Site, d.Terminal and d.TS.
func Sign(d envelope.Dispatch, key ed25519.PrivateKey) ([]byte, error) {
	d.Signed = ""
	payload, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("dispatchauth: encode dispatch: %w", err)
	}
	env, err := dsse.Sign(dsse.TypeDispatch, payload, key)
	if err != nil {
		return nil, fmt.Errorf("dispatchauth: %w", err)
	}
	return env.Marshal()
}
