package frame

import (
	"github.com/transferguard/transferguard/agent/wire"

	"bytes"
	"strings"
	"unicode/utf8"
)

// parse decodes the content between `$` and `*` (CRC already checked):
// `TG1,<seq>,<TYPE>[,k=v]...`. It allocates one string for the whole
// content, one for each escaped value, and the Fields slice.
func parse(content []byte) (Frame, bool) {
	if !bytes.HasPrefix(content, []byte(Prefix+",")) {
		return Frame{}, false
	}
	rest := content[len(Prefix)+1:]
	seq, n := parseSeq(rest)
	if n < 0 || n == len(rest) || rest[n] != ',' {
		return Frame{}, false
	}
	s := string(rest[n+1:])
	typ, s, more := strings.Cut(s, ",")
	if !validType(typ) {
		return Frame{}, false
	}
	f := Frame{Seq: uint16(seq), Type: wire.FrameType(typ)}
	if !more {
		return f, true
	}
	f.Fields = make([]Field, 0, strings.Count(s, ",")+1)
	for {
		var field string
		field, s, more = strings.Cut(s, ",")
		kv, ok := parseField(field)
		if !ok {
			return Frame{}, false
		}
		f.Fields = append(f.Fields, kv)
		if !more {
			return f, true
		}
	}
}

// parseField decodes one `key=value` with the value unescaped.
func parseField(s string) (Field, bool) {
	k, v, ok := strings.Cut(s, "=")
	if !ok || !validKey(k) {
		return Field{}, false
	}
	v, ok = unescape(v)
	if !ok {
		return Field{}, false
	}
	return Field{Key: k, Value: v}, true
}

// unescape decodes %XX escapes in v. It refuses a value holding a raw byte
// that must be escaped, a broken escape, or bytes that are not UTF-8 once
// decoded. A value without escapes is returned without copying.
func unescape(v string) (string, bool) {
	esc := false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '%':
			esc = true
		case mustEscape(c):
			return "", false
		}
	}
	if !esc {
		return v, utf8.ValidString(v)
	}
	b := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		if v[i] != '%' {
			b = append(b, v[i])
			continue
		}
		if i+2 >= len(v) {
			return "", false
		}
		hi, lo := unhex(v[i+1]), unhex(v[i+2])
		if hi < 0 || lo < 0 {
			return "", false
		}
		b = append(b, byte(hi<<4|lo))
		i += 2
	}
	if !utf8.Valid(b) {
		return "", false
	}
	return string(b), true
}
