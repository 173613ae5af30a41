package backtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// The record reader (record.go, inputs.go) decodes session records the
// way encoding/json decodes them into Record and rules.Inputs, without
// reflection and without building the values it skips: the same keys
// (matched exactly, else case-insensitively), the same values, and an
// error wherever encoding/json returns one. scanner is its tokenizer:
// it validates everything it passes over as encoding/json's checkValid
// does, so a line json.Unmarshal refuses is refused here too. Errors
// give a byte offset, never the bytes: a line is outside input.

// maxDepth is encoding/json's nesting limit: deeper input is an error.
const maxDepth = 10000

var (
	errSyntax = errors.New("invalid JSON")
	errType   = errors.New("value of the wrong type")
	errDepth  = errors.New("nesting too deep")
)

// scanner reads JSON from b starting at i.
type scanner struct {
	b     []byte
	i     int
	depth int
}

func (s *scanner) fail(err error) error {
	return fmt.Errorf("%w at byte %d", err, s.i)
}

// ws skips white space as JSON defines it.
func (s *scanner) ws() {
	if s.i < len(s.b) && s.b[s.i] > ' ' {
		return // the usual case: records carry no white space
	}
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// expect consumes c after white space.
func (s *scanner) expect(c byte) error {
	if s.peek() != c {
		return s.fail(errSyntax)
	}
	s.i++
	return nil
}

// end checks that only white space is left.
func (s *scanner) end() error {
	if s.peek() != 0 || s.i < len(s.b) {
		return s.fail(errSyntax)
	}
	return nil
}

// enter and leave track nesting like encoding/json's scanner.
func (s *scanner) enter() error {
	s.i++
	if s.depth++; s.depth > maxDepth {
		return s.fail(errDepth)
	}
	return nil
}

func (s *scanner) leave() { s.i++; s.depth-- }

// str reads a string token at s.i (which must be '"'). tok is the token
// with its quotes; plain says it has no escape and no byte outside
// ASCII, so its bytes between the quotes are its value.
func (s *scanner) str() (tok []byte, plain bool, err error) {
	start := s.i
	s.i++
	plain = true
	for s.i < len(s.b) {
		for s.i < len(s.b) && plainByte[s.b[s.i]] {
			s.i++
		}
		if s.i == len(s.b) {
			break
		}
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return s.b[start:s.i], plain, nil
		case c < 0x20:
			return nil, false, s.fail(errSyntax)
		case c == '\\':
			plain = false
			if err := s.escape(); err != nil {
				return nil, false, err
			}
			continue
		case c >= 0x80:
			plain = false
		}
		s.i++
	}
	return nil, false, s.fail(errSyntax)
}

// escape checks one escape sequence at s.i and steps over it.
func (s *scanner) escape() error {
	if s.i+1 >= len(s.b) {
		return s.fail(errSyntax)
	}
	switch s.b[s.i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.i += 2
		return nil
	case 'u':
		if s.i+6 > len(s.b) {
			return s.fail(errSyntax)
		}
		for _, h := range s.b[s.i+2 : s.i+6] {
			if !isHex(h) {
				return s.fail(errSyntax)
			}
		}
		s.i += 6
		return nil
	}
	return s.fail(errSyntax)
}

// plainByte marks the bytes that stand for themselves in a plain string.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// unquote returns a string token's value exactly as encoding/json does
// (escapes, invalid UTF-8 replaced); it is the slow path for tokens
// that are not plain.
func unquote(tok []byte) (string, error) {
	var v string
	if err := json.Unmarshal(tok, &v); err != nil {
		return "", fmt.Errorf("string: %w", err)
	}
	return v, nil
}

// num reads a number token at s.i by JSON's grammar; integer says it
// has no fraction and no exponent.
func (s *scanner) num() (tok []byte, integer bool, err error) {
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case s.i < len(s.b) && '1' <= s.b[s.i] && s.b[s.i] <= '9':
		s.digits()
	default:
		return nil, false, s.fail(errSyntax)
	}
	integer = true
	if s.i < len(s.b) && s.b[s.i] == '.' {
		integer = false
		s.i++
		if !s.digits() {
			return nil, false, s.fail(errSyntax)
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		integer = false
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if !s.digits() {
			return nil, false, s.fail(errSyntax)
		}
	}
	return s.b[start:s.i], integer, nil
}

// digits steps over a run of digits and says whether there was one.
func (s *scanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && isDigit(s.b[s.i]) {
		s.i++
	}
	return s.i > start
}

// literal reads true, false or null at s.i.
func (s *scanner) literal(word string) error {
	if len(s.b)-s.i < len(word) || string(s.b[s.i:s.i+len(word)]) != word {
		return s.fail(errSyntax)
	}
	s.i += len(word)
	return nil
}

// null reports whether the next value is null, and consumes it if so.
func (s *scanner) null() (bool, error) {
	if s.peek() != 'n' {
		return false, nil
	}
	return true, s.literal("null")
}

// skip steps over one value after white space, validating it.
func (s *scanner) skip() error {
	switch c := s.peek(); {
	case c == '"':
		_, _, err := s.str()
		return err
	case c == '-' || isDigit(c):
		_, _, err := s.num()
		return err
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '[':
		return s.array(s.skip)
	case c == '{':
		return s.object(func([]byte, bool) error { return s.skip() })
	}
	return s.fail(errSyntax)
}

// array reads an array at s.i ('['), calling elem for each element;
// elem must consume it.
func (s *scanner) array(elem func() error) error {
	if err := s.enter(); err != nil {
		return err
	}
	if s.peek() == ']' {
		s.leave()
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.leave()
			return nil
		default:
			return s.fail(errSyntax)
		}
	}
}

// object reads an object at s.i ('{'), calling member with each key
// token (quoted) and whether it is plain; member must consume the value.
func (s *scanner) object(member func(key []byte, plain bool) error) error {
	if err := s.enter(); err != nil {
		return err
	}
	if s.peek() == '}' {
		s.leave()
		return nil
	}
	for {
		if s.peek() != '"' {
			return s.fail(errSyntax)
		}
		key, plain, err := s.str()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := member(key, plain); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.leave()
			return nil
		default:
			return s.fail(errSyntax)
		}
	}
}

// parseInt reads an integer token as encoding/json does for a Go
// integer of the given bits: a fraction, an exponent or overflow is an
// error. Short tokens take a fast path.
func parseInt(tok []byte, integer bool, bits int) (int64, error) {
	if !integer {
		return 0, errType
	}
	neg := tok[0] == '-'
	d := tok
	if neg {
		d = tok[1:]
	}
	if len(d) > 18 {
		n, err := strconv.ParseInt(string(tok), 10, bits)
		if err != nil {
			return 0, errType
		}
		return n, nil
	}
	var n int64
	for _, c := range d {
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	if bits < 64 && (n >= 1<<(bits-1) || n < -(1<<(bits-1))) {
		return 0, errType
	}
	return n, nil
}

// parseFloat reads a number token as encoding/json does into a float64;
// integers of up to 15 digits are exact and take a fast path.
func parseFloat(tok []byte, integer bool) (float64, error) {
	if integer && len(tok) <= 15 {
		n, _ := parseInt(tok, true, 64)
		if n == 0 && tok[0] == '-' {
			return math.Copysign(0, -1), nil
		}
		return float64(n), nil
	}
	f, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		return 0, errType
	}
	return f, nil
}
