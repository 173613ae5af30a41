package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/dsse"
)

func TestWithExpires(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		doc, spec, want, err string
	}{
		{`{"version":1}`, "", `{"version":1}`, ""},
		{`{"version":1}`, "72h", `{"expires":"2026-12-04T10:00:00Z","version":1}`, ""},
		{`{}`, "2027-01-01T00:00:00+08:00", `{"expires":"2026-12-31T16:00:00Z"}`, ""},
		{`{"version":1}`, "-1h", "", "not in the future"},
		{`{"version":1}`, "tomorrow", "", "want a duration"},
		{`{"version":1,"expires":"2030-01-01T00:00:00Z"}`, "1h", "", "already has"},
	} {
		got, err := withExpires([]byte(tc.doc), tc.spec, now)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s %s: got error %v, want %q", tc.doc, tc.spec, err, tc.err)
			}
			continue
		}
		if err != nil || string(got) != tc.want || !json.Valid(got) {
			t.Errorf("%s %s: got %s (%v), want %s", tc.doc, tc.spec, got, err, tc.want)
		}
	}
}

// A signed document carries the expires it was given, and still validates.
func TestSignExpires(t *testing.T) {
	prefix := keys(t)
	out, e, code := tgctl(t, "sign", "--key", prefix+".key", "--type", "config", "--expires", "24h", "testdata/terminal.yaml")
	if code != 0 {
		t.Fatalf("sign: %d %s", code, e)
	}
	if !strings.Contains(out, `"payloadType"`) {
		t.Fatalf("no envelope: %s", out)
	}
	env, err := dsse.Parse([]byte(strings.TrimSpace(out)), dsse.MaxConfigEnvelope)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := config.ParseDocument(env.Payload)
	if err != nil || !doc.Expires.After(time.Now().Add(23*time.Hour)) {
		t.Fatalf("payload %s: expires %v (%v), want a day ahead", env.Payload, doc.Expires, err)
	}
}
