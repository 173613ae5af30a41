package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Scopes of a signed configuration document, merged in this order.
const (
	ScopeFleet    = "fleet"
	ScopeSite     = "site"
	ScopeTerminal = "terminal"
)

// Document is the body of a signed configuration document (CONTRACT §5):
// the header fields, and Body, every other top-level key, which is a policy
// layer merged over the lower scopes.
type Document struct {
	Version  int64
	Issued   time.Time
	Scope    string
	Site     string
	Terminal string
	// Expires, when set ("expires", RFC 3339), is the moment after which
	// the document is no longer accepted (CONTRACT §12); zero when absent.
	Expires time.Time
	Body    map[string]any
}

// ParseDocument reads a configuration document and checks its header. The
// policy in Body is validated later, by Build over all layers, because a
// partial layer is only meaningful merged.
func ParseDocument(b []byte) (Document, error) {
	var raw map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return Document{}, fmt.Errorf("config document: %w", err)
	}
	if dec.More() {
		return Document{}, fmt.Errorf("config document: trailing data after the JSON object")
	}
	var d Document
	var problems []string
	d.Version, problems = headerVersion(raw, problems)
	d.Issued, problems = headerTime(raw, problems)
	d.Expires, problems = headerExpires(raw, problems)
	d.Scope, _ = raw["scope"].(string)
	d.Site, _ = raw["site"].(string)
	d.Terminal, _ = raw["terminal"].(string)
	switch d.Scope {
	case ScopeFleet:
		if d.Site != "" || d.Terminal != "" {
			problems = append(problems, "site, terminal: not allowed in a fleet document")
		}
	case ScopeSite:
		if d.Site == "" || d.Terminal != "" {
			problems = append(problems, "site: required (and terminal not allowed) in a site document")
		}
	case ScopeTerminal:
		if d.Site == "" || d.Terminal == "" {
			problems = append(problems, "site, terminal: both required in a terminal document")
		}
	default:
		problems = append(problems, fmt.Sprintf("scope: %q is not fleet, site or terminal", d.Scope))
	}
	if len(problems) > 0 {
		return Document{}, &ValidationError{Problems: problems}
	}
	for _, k := range []string{"version", "issued", "expires", "scope", "site", "terminal"} {
		delete(raw, k)
	}
	d.Body = numbersToNative(raw).(map[string]any)
	return d, nil
}

func headerVersion(raw map[string]any, problems []string) (int64, []string) {
	n, ok := raw["version"].(json.Number)
	if !ok {
		return 0, append(problems, "version: required integer")
	}
	v, err := n.Int64()
	if err != nil || v < 1 {
		return 0, append(problems, fmt.Sprintf("version: %q is not a positive integer", n))
	}
	return v, problems
}

func headerTime(raw map[string]any, problems []string) (time.Time, []string) {
	s, _ := raw["issued"].(string)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, append(problems, fmt.Sprintf("issued: %q is not RFC 3339", s))
	}
	return t, problems
}

func headerExpires(raw map[string]any, problems []string) (time.Time, []string) {
	v, ok := raw["expires"]
	if !ok {
		return time.Time{}, problems
	}
	s, _ := v.(string)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, append(problems, fmt.Sprintf("expires: %v is not an RFC 3339 time", v))
	}
	return t, problems
}

// numbersToNative turns json.Numbers into int64 or float64 so layers from
// JSON documents and YAML files compare and merge alike.
func numbersToNative(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = numbersToNative(e)
		}
	case []any:
		for i, e := range t {
			t[i] = numbersToNative(e)
		}
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	}
	return v
}
