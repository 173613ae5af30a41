package frame

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Wire constants of CONTRACT §2.
const (
	// MaxLen is the longest frame allowed, counted from `$` to LF inclusive.
	MaxLen = 512
	// Prefix is the protocol tag that follows `$` in every frame.
	Prefix = "TG1"
	// maxType and maxKey are the longest TYPE and key names.
	maxType = 16
	maxKey  = 16
)

// Errors returned by Encode, wrapped with the offending name; values are
// never quoted in errors because they may hold a card number.
var (
	ErrType    = errors.New("type must match [A-Z_]{1,16}")
	ErrKey     = errors.New("key must match [a-z][a-z0-9_]{0,15}")
	ErrValue   = errors.New("value is not valid UTF-8")
	ErrTooLong = errors.New("frame longer than 512 bytes")
)

const hexDigits = "0123456789ABCDEF"

// Encode returns the wire form of f, `$TG1,<seq>,<TYPE>[,k=v]...*XXXX\r\n`,
// or an error when a name is malformed, a value is not UTF-8 or the frame
// would exceed MaxLen.
func Encode(f Frame) ([]byte, error) {
	return AppendEncode(make([]byte, 0, 64), f)
}

// AppendEncode appends the wire form of f to dst, so a writer can batch
// several frames into one buffer without allocating. On error dst is
// returned unchanged.
func AppendEncode(dst []byte, f Frame) ([]byte, error) {
	if err := validate(f); err != nil {
		return dst, err
	}
	out := appendFrame(dst, f)
	if len(out)-len(dst) > MaxLen {
		return dst, fmt.Errorf("frame: encode %s: %w", f.Type, ErrTooLong)
	}
	return out, nil
}

// validate checks the names and values of f against CONTRACT §2.
func validate(f Frame) error {
	if !validType(string(f.Type)) {
		return fmt.Errorf("frame: encode type %q: %w", f.Type, ErrType)
	}
	for _, kv := range f.Fields {
		if !validKey(kv.Key) {
			return fmt.Errorf("frame: encode %s key %q: %w", f.Type, kv.Key, ErrKey)
		}
		if !utf8.ValidString(kv.Value) {
			return fmt.Errorf("frame: encode %s key %s: %w", f.Type, kv.Key, ErrValue)
		}
	}
	return nil
}

// appendFrame writes f without any checks; the fuzzer uses it to
// re-encode decoded frames that sit exactly at the length limit.
func appendFrame(dst []byte, f Frame) []byte {
	dst = append(dst, '$')
	start := len(dst)
	dst = append(dst, Prefix...)
	dst = append(dst, ',')
	dst = strconv.AppendUint(dst, uint64(f.Seq), 10)
	dst = append(dst, ',')
	dst = append(dst, f.Type...)
	for _, kv := range f.Fields {
		dst = append(dst, ',')
		dst = append(dst, kv.Key...)
		dst = append(dst, '=')
		dst = appendEscaped(dst, kv.Value)
	}
	crc := CRC16(dst[start:])
	return append(dst, '*',
		hexDigits[crc>>12], hexDigits[crc>>8&0xF], hexDigits[crc>>4&0xF], hexDigits[crc&0xF],
		'\r', '\n')
}

// mustEscape reports whether byte c is written as %XX inside a value.
func mustEscape(c byte) bool {
	switch c {
	case '%', ',', '*', '$', '=', '\r', '\n':
		return true
	}
	return false
}

// appendEscaped appends v with the bytes of CONTRACT §2 percent-escaped.
func appendEscaped(dst []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if mustEscape(c) {
			dst = append(dst, '%', hexDigits[c>>4], hexDigits[c&0xF])
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// validType reports whether s matches [A-Z_]{1,16}.
func validType(s string) bool {
	if len(s) == 0 || len(s) > maxType {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'A' || c > 'Z') && c != '_' {
			return false
		}
	}
	return true
}

// validKey reports whether s matches [a-z][a-z0-9_]{0,15}.
func validKey(s string) bool {
	if len(s) == 0 || len(s) > maxKey || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}
