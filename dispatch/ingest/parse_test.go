package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		topic, payload, wantErr string
	}{
		{"tg/v1/S1/T1/alert", `{"id":"m","type":"alert","alert_id":"a","site":"S1","terminal":"T1"}`, ""},
		{"tg/v1/S1/T1/alert", `{"id":"m","type":"alert","alert_id":"a"}`, ""},
		{"tg/v1/S1/T1/alert", `{"id":"m","site":"S2","terminal":"T1"}`, "payload names S2/T1"},
		{"tg/v1/S1/T1/status", `{"state":"online","boot":"b"}`, ""},
		{"tg/v1/S1/T1/status", `{"state":"weird"}`, "neither online"},
		{"tg/v1/S1/T1/config/state", `{"v":1,"config":{"fleet":{"version":3}}}`, ""},
		{"tg/v1/S1/T1/session", `{"id":"s"}`, ""},
		{"tg/v1/S+/T1/alert", `{}`, "not tg/v1"},
		{"tg/v1/S1/T1/other", `{}`, "unknown kind"},
		{"tg/v1/S1/T1/alert", `{`, "unexpected end"},
		{"tg/v1/S1/T1/alert", `{"id":"` + strings.Repeat("x", maxPayload) + `"}`, "exceeds"},
	}
	for _, c := range cases {
		m, err := Parse(c.topic, []byte(c.payload))
		if c.wantErr == "" {
			if err != nil || m.Site != "S1" || m.Terminal != "T1" {
				t.Errorf("%s %s: got %+v %v", c.topic, c.payload[:min(len(c.payload), 40)], m, err)
			}
			if m.Alert != nil && (m.Alert.Site != "S1" || m.Alert.Terminal != "T1") {
				t.Errorf("alert not given the topic's terminal: %+v", m.Alert)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("%s: got %v, want error with %q", c.topic, err, c.wantErr)
		}
	}
}

func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.json")
	for _, s := range seeds {
		b, _ := os.ReadFile(s)
		f.Add("tg/v1/S1/T1/"+strings.TrimSuffix(filepath.Base(s), ".json"), b)
	}
	f.Add("tg/v1/S1/T1/status", []byte(`{"state":"offline"}`))
	f.Fuzz(func(t *testing.T, topic string, payload []byte) {
		m, err := Parse(topic, payload)
		if err == nil && m.Alert == nil && m.Status == nil && m.Session == nil && m.Config == nil {
			t.Fatal("no error and nothing decoded")
		}
	})
}
