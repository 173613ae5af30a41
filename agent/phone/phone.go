// Package phone handles telephone numbers, which must never leave the serial
// link whole (CONTRACT §4, §8): it brings the many ways a caller's number is
// written to one spelling, so a watchlist entry matches however the sensor,
// the teller or the watchlist author wrote it, and it masks numbers for
// alerts, logs and disk.
package phone

import "strings"

// Normalize returns the digits of a mainland Chinese number as dialled
// inside the mainland, so that "+86 138-0013-8000", "008613800138000",
// "86 138 0013 8000" and "13800138000" are all "13800138000".
//
//   - Spaces, dashes, dots, parentheses and other separators are dropped;
//     full-width digits (１３８…) count as digits.
//   - A leading "+" is the international prefix and becomes "00".
//   - The country code "0086" is removed (repeatedly, for "+86 0086 …").
//     What follows is kept if it is a mobile number (11 digits starting with
//     1) or already starts with the trunk 0; otherwise it is a landline
//     written internationally ("+86 10 8888 7777") and gets its trunk 0 back
//     ("01088887777").
//   - A bare "86" is removed only before a mobile number ("8613800138000"):
//     before anything else it may be part of a local number.
//   - Numbers of other countries keep their "00" prefix, so "+1 415 555 0100"
//     and "001 415 555 0100" match each other and nothing in the mainland.
//
// A result is empty when raw holds no digit. Normalize is idempotent.
func Normalize(raw string) string { return string(AppendNormalized(nil, raw)) }

// AppendNormalized appends Normalize(src) to dst without allocating when
// dst has room, for lookups on every frame.
func AppendNormalized[T ~string | ~[]byte](dst []byte, src T) []byte {
	start := len(dst)
	dst = appendDigits(dst, src)
	d := dst[start:]
	cut, stripped := 0, false
	for len(d)-cut >= 4 && string(d[cut:cut+4]) == "0086" {
		cut, stripped = cut+4, true
	}
	rest := d[cut:]
	switch {
	case isMobile(rest):
	case len(rest) == 13 && rest[0] == '8' && rest[1] == '6' && isMobile(rest[2:]):
		cut += 2
	case stripped && len(rest) > 0 && rest[0] != '0':
		cut-- // a landline written internationally: give back its trunk 0
		d[cut] = '0'
	}
	n := copy(d, d[cut:])
	return dst[:start+n]
}

// appendDigits appends the digits of src (ASCII and full-width) to dst, a
// leading "+" spelled "00"; nothing when src holds no digit.
func appendDigits[T ~string | ~[]byte](dst []byte, src T) []byte {
	start, digits := len(dst), 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		// Full-width forms are EF BC 90..99 (０..９) and EF BC 8B (＋) in UTF-8.
		if c == 0xEF && i+2 < len(src) && src[i+1] == 0xBC {
			switch c2 := src[i+2]; {
			case c2 >= 0x90 && c2 <= 0x99:
				c = '0' + c2 - 0x90
			case c2 == 0x8B:
				c = '+'
			}
			if c != 0xEF {
				i += 2
			}
		}
		switch {
		case c >= '0' && c <= '9':
			dst = append(dst, c)
			digits++
		case c == '+' && len(dst) == start:
			dst = append(dst, '0', '0')
		}
	}
	if digits == 0 {
		return dst[:start]
	}
	return dst
}

// isMobile reports whether d is a mainland mobile number: 11 digits, the
// first a 1.
func isMobile(d []byte) bool { return len(d) == 11 && d[0] == '1' }

// Mask keeps the first 3 and last 4 digits of a normalised number of 11 or
// more digits and stars the rest ("138****8000"), as CONTRACT §8 shows.
// Shorter numbers keep only their last 4 (3+4 would reveal most of them);
// 4 or fewer are starred whole.
func Mask(raw string) string {
	d := Normalize(raw)
	n := len(d)
	switch {
	case n == 0:
		return ""
	case n >= 11:
		return d[:3] + strings.Repeat("*", n-7) + d[n-4:]
	case n > 4:
		return strings.Repeat("*", n-4) + d[n-4:]
	default:
		return strings.Repeat("*", n)
	}
}

// Number holds a whole phone number in memory, normalised, and refuses to
// print it: fmt, %v, %#v, JSON, YAML and zerolog all see the masked form.
type Number struct{ digits string }

// NewNumber normalises raw (see Normalize) and keeps the result.
func NewNumber(raw string) Number { return Number{digits: Normalize(raw)} }

// Reveal returns the whole normalised number, for watchlist matching and
// hashing only.
func (n Number) Reveal() string { return n.digits }

// Masked is the printable form.
func (n Number) Masked() string { return Mask(n.digits) }

// IsZero reports whether no number is held.
func (n Number) IsZero() bool { return n.digits == "" }

// String masks, so a Number in a log line or error never leaks.
func (n Number) String() string { return n.Masked() }

// GoString masks for %#v as well.
func (n Number) GoString() string { return "phone.Number(" + n.Masked() + ")" }

// MarshalText masks for JSON, YAML and zerolog's Interface path.
func (n Number) MarshalText() ([]byte, error) { return []byte(n.Masked()), nil }
