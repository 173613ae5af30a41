package backtest

import (
	"bytes"
	"encoding/json"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/rules"
)

// reader decodes session records and their inputs snapshots (scan.go
// says how). One reader belongs to one worker and is reused record after
// record: its scratch (the inputs slice, interned strings, the fired
// set) is what keeps a million records from allocating a million of each.
type reader struct {
	s      scanner
	rec    *Record
	inputs []json.RawMessage
	strs   map[string]string
	// noSensors and noAnswers stand for every "{}" map: never written.
	noSensors map[string]bool
	noAnswers map[string]string
	fired     map[string]bool
	changed   uint32 // see replay
	cur       rules.Inputs
	env       rules.Env
}

func newReader() *reader {
	return &reader{strs: map[string]string{}, noSensors: map[string]bool{}, noAnswers: map[string]string{},
		fired: map[string]bool{}}
}

// maxInterned bounds the interned strings of one reader.
const maxInterned = 4096

// intern returns b as a string, shared with earlier equal values: sites,
// terminals, levels, currencies and the like repeat on every record.
func (rd *reader) intern(b []byte) string {
	if s, ok := rd.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(rd.strs) < maxInterned {
		rd.strs[s] = s
	}
	return s
}

// recordKeys are the top-level keys of a record the backtest reads;
// every other key is skipped without building its value.
var recordKeys = []string{"session", "site", "terminal", "started", "alert_id", "level", "score", "rules",
	"inputs", "inputs_dropped", "outcome"}

// record decodes line into rec as json.Unmarshal(line, rec) would into a
// zero Record, except that rec.Inputs alias line and the reader's
// scratch: they are valid until the next call.
func (rd *reader) record(line []byte, rec *Record) error {
	*rec = Record{}
	rd.s, rd.rec = scanner{b: line}, rec
	var err error
	switch rd.s.peek() {
	case '{':
		err = rd.s.object(rd.recordMember)
	case 'n':
		err = rd.s.literal("null")
	default:
		if err = rd.s.skip(); err == nil {
			if err = rd.s.end(); err == nil {
				err = rd.s.fail(errType)
			}
		}
	}
	if err != nil {
		return err
	}
	return rd.s.end()
}

func (rd *reader) recordMember(key []byte, plain bool) error {
	i, err := matchKey(key, plain, recordKeys)
	if err != nil {
		return err
	} else if i < 0 {
		return rd.s.skip()
	}
	rec := rd.rec
	switch recordKeys[i] {
	case "session":
		return rd.str(&rec.Session, false)
	case "site":
		return rd.str(&rec.Site, true)
	case "terminal":
		return rd.str(&rec.Terminal, true)
	case "alert_id":
		return rd.str(&rec.AlertID, false)
	case "level":
		return rd.str((*string)(&rec.Level), true)
	case "outcome":
		return rd.str(&rec.Outcome, true)
	case "score":
		return rd.int(&rec.Score)
	case "inputs_dropped":
		return rd.int(&rec.InputsDropped)
	case "started":
		return rd.time(&rec.Started)
	case "rules":
		return rd.strings(&rec.Rules)
	case "inputs":
		return rd.raws(&rec.Inputs)
	}
	return rd.s.skip()
}

// matchKey returns the index of the name among names that a key token
// selects as encoding/json selects a struct field: the exact name, else
// one equal under Unicode case folding; -1 for none.
func matchKey(tok []byte, plain bool, names []string) (int, error) {
	key := tok[1 : len(tok)-1]
	if !plain {
		k, err := unquote(tok)
		if err != nil {
			return -1, err
		}
		key = []byte(k)
	}
	for i, n := range names {
		if string(key) == n {
			return i, nil
		}
	}
	if plain && !hasUpper(key) {
		return -1, nil // plain lower-case ASCII folds only to itself
	}
	for i, n := range names {
		if bytes.EqualFold(key, []byte(n)) {
			return i, nil
		}
	}
	return -1, nil
}

func hasUpper(b []byte) bool {
	for _, c := range b {
		if 'A' <= c && c <= 'Z' {
			return true
		}
	}
	return false
}

// str decodes a string value into dst; null leaves dst as it is.
func (rd *reader) str(dst *string, intern bool) error {
	switch rd.s.peek() {
	case 'n':
		return rd.s.literal("null")
	case '"':
		tok, plain, err := rd.s.str()
		switch {
		case err != nil:
			return err
		case !plain:
			*dst, err = unquote(tok)
		case intern:
			*dst = rd.intern(tok[1 : len(tok)-1])
		default:
			*dst = string(tok[1 : len(tok)-1])
		}
		return err
	}
	return rd.s.fail(errType)
}

// int decodes an integer value into dst; null leaves dst as it is.
func (rd *reader) int(dst *int) error {
	n, ok, err := rd.integer(64)
	if ok {
		*dst = int(n)
	}
	return err
}

// integer reads an integer of the given bits; ok is false on null.
func (rd *reader) integer(bits int) (n int64, ok bool, err error) {
	switch c := rd.s.peek(); {
	case c == 'n':
		return 0, false, rd.s.literal("null")
	case c == '-' || isDigit(c):
		tok, integer, err := rd.s.num()
		if err != nil {
			return 0, false, err
		}
		if n, err = parseInt(tok, integer, bits); err != nil {
			return 0, false, rd.s.fail(err)
		}
		return n, true, nil
	}
	return 0, false, rd.s.fail(errType)
}

// time hands the raw value to envelope.Time's own UnmarshalJSON, as
// encoding/json does for any value, null included.
func (rd *reader) time(dst *envelope.Time) error {
	rd.s.ws()
	start := rd.s.i
	if err := rd.s.skip(); err != nil {
		return err
	}
	return dst.UnmarshalJSON(rd.s.b[start:rd.s.i])
}

// strings decodes an array of strings into dst the way encoding/json
// decodes into an existing slice: elements are written in place (a null
// element keeps what was there), the length becomes the array's, and an
// empty array gives an empty, non-nil slice.
func (rd *reader) strings(dst *[]string) error {
	if null, err := rd.s.null(); null || err != nil {
		*dst = nil
		return err
	}
	if rd.s.peek() != '[' {
		return rd.s.fail(errType)
	}
	v, n := *dst, 0
	err := rd.s.array(func() error {
		if n >= cap(v) {
			v = append(v[:cap(v)], "")[:n]
		}
		if n >= len(v) {
			v = v[:n+1]
		}
		n++
		return rd.str(&v[n-1], false)
	})
	if n == 0 {
		v = []string{}
	}
	*dst = v[:n]
	return err
}

// raws collects an array's element values, as []json.RawMessage would
// hold them, in the reader's scratch; null gives nil.
func (rd *reader) raws(dst *[]json.RawMessage) error {
	if null, err := rd.s.null(); null || err != nil {
		*dst = nil
		return err
	}
	if rd.s.peek() != '[' {
		return rd.s.fail(errType)
	}
	v := rd.inputs[:0]
	err := rd.s.array(func() error {
		rd.s.ws()
		start := rd.s.i
		err := rd.s.skip()
		v = append(v, rd.s.b[start:rd.s.i])
		return err
	})
	rd.inputs, *dst = v, v
	if len(v) == 0 {
		*dst = []json.RawMessage{}
	}
	return err
}
