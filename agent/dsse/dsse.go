// Package dsse reads, signs and verifies DSSE envelopes (the Dead Simple
// Signing Envelope of secure-systems-lab / in-toto) with Ed25519 keys, as
// CONTRACT §5 requires for configuration and watchlists.
//
// # Trust model
//
// Only the holder of an Ed25519 private key whose public key the terminal
// was given (--trust-key) can produce an envelope this package accepts. The
// signature covers PAE(payloadType, payload), so neither the document nor its
// type can be changed without breaking it. The keyid in a signature is only
// a hint used to try the named key first: an envelope verifies when any of
// its signatures verifies with any trusted key, whatever keyid it carries.
// Decoding is strict (standard base64 with padding, no unknown JSON keys,
// a size limit checked before parsing) so that odd encodings cannot slip
// through one parser and not another.
//
// Why not github.com/secure-systems-lab/go-securesystemslib/dsse: its
// verifier skips a trusted key whenever the keyid differs (we want keyid to
// be a hint only), and it accepts URL-safe as well as standard base64. The
// format is small (PAE is one line, see PAE), so the standard library's
// crypto/ed25519 does the cryptography and this package only the framing.
package dsse

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Payload types of CONTRACT §5.
const (
	TypeConfig    = "application/vnd.transferguard.config+json"
	TypeWatchlist = "application/vnd.transferguard.watchlist+json"
	// TypeDispatch is a guard console's signed word on an alert (CONTRACT §12).
	TypeDispatch = "application/vnd.transferguard.dispatch+json"
)

// Size limits for whole envelopes (the JSON bytes as received). A
// 1,000,000-entry watchlist is about 25-30 MB of JSON, 35-40 MB as base64
// in an envelope; configuration documents are kilobytes.
const (
	MaxConfigEnvelope    = 1 << 20  // 1 MiB
	MaxWatchlistEnvelope = 64 << 20 // 64 MiB
	MaxDispatchEnvelope  = 16 << 10 // 16 KiB: a dispatch is a few hundred bytes
)

// Errors returned by Parse, wrapped with detail; callers map them to
// stable rejection reasons with errors.Is.
var (
	ErrTooLarge  = errors.New("dsse: envelope too large")
	ErrMalformed = errors.New("dsse: malformed envelope")
)

// Envelope is a DSSE envelope. Payload holds the decoded payload bytes;
// the JSON form carries it as standard base64.
type Envelope struct {
	PayloadType string
	Payload     []byte
	Signatures  []Signature

	pae     []byte // PAE buffer Payload was decoded into (see signedBytes)
	paeType string
}

// Signature is one signature of an envelope. Sig holds the decoded bytes.
type Signature struct {
	KeyID string
	Sig   []byte
}

// wireEnvelope is the JSON form, with base64 text fields.
type wireEnvelope struct {
	PayloadType string          `json:"payloadType"`
	Payload     string          `json:"payload"`
	Signatures  []wireSignature `json:"signatures"`
}

type wireSignature struct {
	KeyID string `json:"keyid"`
	Sig   string `json:"sig"`
}

// PAE returns the pre-authentication encoding that is signed:
// "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in decimal
// bytes (DSSE protocol v1).
func PAE(payloadType string, payload []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(payloadType) + len(payload) + 32)
	b.WriteString("DSSEv1 ")
	b.WriteString(strconv.Itoa(len(payloadType)))
	b.WriteByte(' ')
	b.WriteString(payloadType)
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(len(payload)))
	b.WriteByte(' ')
	b.Write(payload)
	return b.Bytes()
}

// Parse decodes an envelope of at most limit bytes. It rejects unknown
// keys, trailing data, an empty payloadType, and any base64 that is not
// standard padded encoding. The payload is decoded once, into a buffer that
// also holds the PAE prefix, so a large watchlist is not copied again for
// verification.
func Parse(raw []byte, limit int) (*Envelope, error) {
	if len(raw) > limit {
		// raw may be only the first limit+1 bytes of a larger message (the
		// MQTT link keeps no more), so the text does not claim its size.
		return nil, fmt.Errorf("%w: more than the limit of %d bytes", ErrTooLarge, limit)
	}
	var fields map[string]rawField
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if fields == nil {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	for k := range fields {
		if k != "payloadType" && k != "payload" && k != "signatures" {
			return nil, fmt.Errorf("%w: unknown key %q", ErrMalformed, k)
		}
	}
	env := &Envelope{}
	if err := json.Unmarshal(fields["payloadType"], &env.PayloadType); err != nil || env.PayloadType == "" {
		return nil, fmt.Errorf("%w: payloadType missing or not a string", ErrMalformed)
	}
	b64, err := jsonString(fields["payload"])
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	if err := env.decodePayload(b64); err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	var sigs []wireSignature
	if err := strictUnmarshal(fields["signatures"], &sigs); err != nil {
		return nil, fmt.Errorf("%w: signatures: %v", ErrMalformed, err)
	}
	for i, s := range sigs {
		sig, err := decodeStrict(s.Sig)
		if err != nil {
			return nil, fmt.Errorf("%w: signatures[%d].sig: %v", ErrMalformed, i, err)
		}
		env.Signatures = append(env.Signatures, Signature{KeyID: s.KeyID, Sig: sig})
	}
	return env, nil
}

// decodePayload decodes b64 into a buffer laid out as PAE(type, payload).
func (e *Envelope) decodePayload(b64 []byte) error {
	if bytes.ContainsAny(b64, "\r\n") {
		return errors.New("invalid base64: line breaks")
	}
	enc := base64.StdEncoding.Strict()
	n := enc.DecodedLen(len(b64))
	if len(b64) >= 2 && b64[len(b64)-1] == '=' {
		n--
		if b64[len(b64)-2] == '=' {
			n--
		}
	}
	head := PAE(e.PayloadType, nil)
	head = head[:len(head)-2] // drop the "0 " written for the empty body
	head = strconv.AppendInt(head, int64(max(n, 0)), 10)
	head = append(head, ' ')
	buf := make([]byte, len(head)+enc.DecodedLen(len(b64)))
	copy(buf, head)
	got, err := enc.Decode(buf[len(head):], b64)
	if err != nil {
		return fmt.Errorf("invalid base64: %w", err)
	}
	if got != n {
		return errors.New("invalid base64: bad padding")
	}
	e.Payload = buf[len(head) : len(head)+got : len(head)+got]
	e.pae, e.paeType = buf[:len(head)+got], e.PayloadType
	return nil
}

// signedBytes returns PAE(PayloadType, Payload), reusing the buffer Parse
// decoded into when the envelope was not changed since.
func (e *Envelope) signedBytes() []byte {
	if e.pae != nil && e.paeType == e.PayloadType && len(e.Payload) > 0 &&
		len(e.pae) >= len(e.Payload) && &e.pae[len(e.pae)-len(e.Payload)] == &e.Payload[0] {
		return e.pae
	}
	return PAE(e.PayloadType, e.Payload)
}

// rawField keeps a sub-slice of the input without copying it.
type rawField []byte

// UnmarshalJSON records the raw value; the slice aliases the input.
func (r *rawField) UnmarshalJSON(b []byte) error { *r = b; return nil }

// jsonString returns the contents of a JSON string without copying when it
// has no escapes.
func jsonString(raw rawField) ([]byte, error) {
	if len(raw) < 2 || raw[0] != '"' {
		return nil, errors.New("missing or not a string")
	}
	if !bytes.ContainsRune(raw, '\\') {
		return raw[1 : len(raw)-1], nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	return []byte(s), nil
}

func strictUnmarshal(raw []byte, v any) error {
	if raw == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// Marshal encodes the envelope as compact JSON with standard base64.
func (e *Envelope) Marshal() ([]byte, error) {
	w := wireEnvelope{
		PayloadType: e.PayloadType,
		Payload:     base64.StdEncoding.EncodeToString(e.Payload),
		Signatures:  make([]wireSignature, 0, len(e.Signatures)),
	}
	for _, s := range e.Signatures {
		w.Signatures = append(w.Signatures, wireSignature{KeyID: s.KeyID, Sig: base64.StdEncoding.EncodeToString(s.Sig)})
	}
	b, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("dsse: marshal envelope: %w", err)
	}
	return b, nil
}

// decodeStrict decodes standard, padded base64 and refuses anything else
// (URL alphabet, missing padding, embedded newlines, non-zero trailing bits).
func decodeStrict(s string) ([]byte, error) {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("invalid base64: %w", err)
	}
	// The decoder skips CR and LF; a strict reading does not.
	if bytes.ContainsAny([]byte(s), "\r\n") {
		return nil, errors.New("invalid base64: line breaks")
	}
	return b, nil
}
