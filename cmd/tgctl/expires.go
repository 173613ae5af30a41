package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// withExpires adds "expires" to a compact JSON document: spec is a
// duration from now ("72h") or an RFC 3339 time; "" leaves the document
// as it is. The field is spliced in after the opening brace, so a large
// watchlist is not decoded and encoded again.
func withExpires(payload []byte, spec string, now time.Time) ([]byte, error) {
	if spec == "" {
		return payload, nil
	}
	at, err := parseExpires(spec, now)
	if err != nil {
		return nil, err
	}
	if !at.After(now) {
		return nil, usagef("--expires %q is not in the future", spec)
	}
	var probe struct {
		Expires *json.RawMessage `json:"expires"`
	}
	if err := json.Unmarshal(payload, &probe); err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	if probe.Expires != nil {
		return nil, usagef("the document already has \"expires\"; drop it or --expires")
	}
	body := bytes.TrimSpace(payload)
	if len(body) < 2 || body[0] != '{' {
		return nil, fmt.Errorf("document: not a JSON object")
	}
	field := fmt.Sprintf(`{"expires":%q`, at.UTC().Format(time.RFC3339))
	rest := bytes.TrimSpace(body[1:])
	if rest[0] != '}' {
		field += ","
	}
	return append([]byte(field), rest...), nil
}

// parseExpires reads a duration from now or an RFC 3339 time.
func parseExpires(spec string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(spec); err == nil {
		return now.Add(d), nil
	}
	t, err := time.Parse(time.RFC3339, spec)
	if err != nil {
		return time.Time{}, usagef("--expires %q: want a duration (72h) or an RFC 3339 time", spec)
	}
	return t, nil
}
