// Package pan handles card and account numbers, which must never leave the
// serial link whole (CONTRACT §4): it masks them for alerts, logs and disk,
// and derives the keyed correlation hash consoles use to follow a card or
// payee across terminals without holding the number.
package pan

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Mask keeps the first 6 and last 4 digits of a number of 13 or more
// characters and stars the rest, as CONTRACT §4 shows. Shorter numbers keep
// only their last 4 (6+4 would reveal most of them); 4 or fewer are starred
// whole. Non-digit separators are dropped first.
func Mask(number string) string {
	d := Digits(number)
	n := len(d)
	switch {
	case n == 0:
		return ""
	case n >= 13:
		return d[:6] + strings.Repeat("*", n-10) + d[n-4:]
	case n > 4:
		return strings.Repeat("*", n-4) + d[n-4:]
	default:
		return strings.Repeat("*", n)
	}
}

// Digits keeps the ASCII digits of s: controllers send numbers with spaces
// or dashes now and then, and matching must not depend on them.
func Digits(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Key is the correlation hash: hex HMAC-SHA-256 of the number's digits
// under the fleet's key. Empty when there is no key or no number.
func Key(hexKey, number string) string {
	d := Digits(number)
	if hexKey == "" || d == "" {
		return ""
	}
	k, err := hex.DecodeString(hexKey)
	if err != nil {
		return ""
	}
	m := hmac.New(sha256.New, k)
	m.Write([]byte(d))
	return hex.EncodeToString(m.Sum(nil))
}

// Number holds a whole card or account number in memory and refuses to
// print it: fmt, %v, JSON and zerolog all see the masked form.
type Number struct{ digits string }

// NewNumber keeps the digits of s.
func NewNumber(s string) Number { return Number{digits: Digits(s)} }

// Reveal returns the whole number, for watchlist matching and hashing only.
func (n Number) Reveal() string { return n.digits }

// Masked is the printable form.
func (n Number) Masked() string { return Mask(n.digits) }

// IsZero reports whether no number is held.
func (n Number) IsZero() bool { return n.digits == "" }

// String masks, so a Number in a log line or error never leaks.
func (n Number) String() string { return n.Masked() }

// GoString masks for %#v as well.
func (n Number) GoString() string { return "pan.Number(" + n.Masked() + ")" }

// MarshalText masks for JSON, YAML and zerolog's Stringer paths.
func (n Number) MarshalText() ([]byte, error) { return []byte(n.Masked()), nil }
