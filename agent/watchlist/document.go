package watchlist

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Entry limits. A document may list up to MaxEntries numbers in all;
// normalised accounts are 6..32 digits, phones 5..20 digits.
const (
	MaxEntries  = 2_000_000
	maxProblems = 20
)

// Document is a parsed watchlist document (CONTRACT §5):
// {"version":…, "issued":…, "accounts":["…"], "phones":["…"]}. The entries
// are already hashed into List; the plain numbers are not kept.
type Document struct {
	Version int64
	Issued  time.Time
	Expires time.Time // "expires" (RFC 3339), zero when absent: not accepted after it
	List    *List
}

// ParseDocument parses and validates a watchlist document completely:
// unknown top-level keys, a missing or non-positive version, a missing or
// non-RFC 3339 issued time, and entries with no digits or a wrong length are
// all reported in one error. Error texts name entries by index, never by
// value, so they are safe to log and publish.
//
// The entries are hashed under a fresh random Key (see ParseDocumentKeyed).
func ParseDocument(b []byte) (Document, error) {
	return ParseDocumentKeyed(b, NewKey())
}

// ParseDocumentKeyed is ParseDocument with the entries hashed under key,
// so the resulting List can be stored with MarshalBinary and restored with
// Decode under the same key.
func ParseDocumentKeyed(b []byte, key Key) (Document, error) {
	var fields map[string]rawField
	if err := json.Unmarshal(b, &fields); err != nil {
		return Document{}, fmt.Errorf("watchlist: document is not a JSON object: %w", err)
	}
	if fields == nil {
		return Document{}, errors.New("watchlist: document is not a JSON object")
	}
	p := &problems{}
	for k := range fields {
		switch k {
		case "version", "issued", "expires", "accounts", "phones":
		default:
			p.add("%s: unknown key (a watchlist has version, issued, expires, accounts, phones)", k)
		}
	}
	doc := Document{List: &List{hash: newHasher(key)}}
	m := doc.List.hash.newMac()
	doc.Version = parseVersion(fields["version"], p)
	doc.Issued = parseIssued(fields["issued"], p)
	if raw := fields["expires"]; raw != nil {
		doc.Expires = parseTime("expires", raw, p)
	}
	seen := 0
	doc.List.accounts = scanEntries("accounts", fields["accounts"], m, appendAccount[[]byte], 6, 32, &seen, p)
	doc.List.phones = scanEntries("phones", fields["phones"], m, appendPhone[[]byte], 5, 20, &seen, p)
	if err := p.err(); err != nil {
		return Document{}, err
	}
	return doc, nil
}

// rawField keeps a sub-slice of the input without copying it.
type rawField []byte

// UnmarshalJSON records the raw value; the slice aliases the input.
func (r *rawField) UnmarshalJSON(b []byte) error { *r = b; return nil }

func parseVersion(raw rawField, p *problems) int64 {
	if raw == nil {
		p.add("version: missing")
		return 0
	}
	var v int64
	if err := json.Unmarshal(raw, &v); err != nil || v < 1 {
		p.add("version: want an integer >= 1")
		return 0
	}
	return v
}

func parseIssued(raw rawField, p *problems) time.Time {
	if raw == nil {
		p.add("issued: missing")
		return time.Time{}
	}
	return parseTime("issued", raw, p)
}

func parseTime(name string, raw rawField, p *problems) time.Time {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		p.add("%s: want an RFC 3339 string", name)
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		p.add("%s: want an RFC 3339 time, got %q", name, s)
	}
	return t
}

// scanEntries hashes the strings of a JSON array without materialising
// them, so a million-entry list costs 8 bytes per entry beyond the input.
func scanEntries(name string, raw rawField, m *mac, norm func([]byte, []byte) []byte,
	minLen, maxLen int, seen *int, p *problems) []uint64 {
	if raw == nil || string(raw) == "null" {
		return nil
	}
	if raw[0] != '[' {
		p.add("%s: want an array of strings", name)
		return nil
	}
	// Each entry has two quotes: an upper bound that avoids regrowing.
	out := make([]uint64, 0, bytes.Count(raw, []byte{'"'})/2)
	var buf []byte
	i, idx := skipSpace(raw, 1), 0
	for i < len(raw) && raw[i] != ']' {
		s, next, ok := nextString(raw, i)
		if !ok {
			p.add("%s[%d]: want a string", name, idx)
			return nil
		}
		if buf = norm(buf[:0], s); len(buf) < minLen || len(buf) > maxLen {
			p.add("%s[%d]: want %d..%d digits, got %d", name, idx, minLen, maxLen, len(buf))
		} else {
			out = append(out, m.sum(buf))
		}
		if *seen++; *seen > MaxEntries {
			p.add("%s: more than %d entries in the document", name, MaxEntries)
			return nil
		}
		idx++
		i = skipSpace(raw, next)
		if i < len(raw) && raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// nextString reads the JSON string starting at raw[i] (input already
// validated by encoding/json) and returns it with the index after it.
func nextString(raw []byte, i int) ([]byte, int, bool) {
	if i >= len(raw) || raw[i] != '"' {
		return nil, i, false
	}
	escaped := false
	for j := i + 1; j < len(raw); j++ {
		switch raw[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			if !escaped {
				return raw[i+1 : j], j + 1, true
			}
			var s string
			if err := json.Unmarshal(raw[i:j+1], &s); err != nil {
				return nil, j + 1, false
			}
			return []byte(s), j + 1, true
		}
	}
	return nil, len(raw), false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// problems collects validation problems; the first few are listed.
type problems struct {
	list  []string
	total int
}

func (p *problems) add(format string, args ...any) {
	p.total++
	if len(p.list) < maxProblems {
		p.list = append(p.list, fmt.Sprintf(format, args...))
	}
}

func (p *problems) err() error {
	if p.total == 0 {
		return nil
	}
	msg := strings.Join(p.list, "; ")
	if more := p.total - len(p.list); more > 0 {
		msg += fmt.Sprintf("; and %d more", more)
	}
	return fmt.Errorf("watchlist: invalid document: %s", msg)
}
