//go:build integration

package integration

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/transferguard/transferguard/agent/scenario"
)

// scenarioDir holds one folder per CONTRACT §3 row, shared with the core's
// fake-clock test (agent/terminal), whose want.jsonl is the golden here too.
const scenarioDir = "../../testdata/scenarios"

// adjust are policy layers added for a real-time run, by scenario name.
// None is needed today: every shipped scenario leaves at least a second
// between a timer's end and the step that depends on it.
var adjust = map[string]string{}

// TestScenarios plays every shipped scenario through tgagent on a pty and
// a real mosquitto, and compares the alert and session messages with the
// "mqtt" lines of want.jsonl once ids, times and durations are normalised.
func TestScenarios(t *testing.T) {
	sigs, _ := filepath.Glob(filepath.Join(scenarioDir, "*", "signals.txt"))
	if len(sigs) < 9 {
		t.Fatalf("found %d scenarios in %s, want one per CONTRACT §3 row (9)", len(sigs), scenarioDir)
	}
	for _, sig := range sigs {
		dir := filepath.Dir(sig)
		name := filepath.Base(dir)
		text := mustRead(t, sig)
		if offLine(t, text) {
			// Touches and guard dispatches do not travel on the serial
			// line; agent/terminal's fake-clock test plays these.
			t.Logf("%s: has touch or dispatch steps; played by the core test only", name)
			continue
		}
		if d := playTime(t, text); d > maxPlay {
			// Patterns over minutes and hours (CONTRACT §9) are played on
			// the fake clock; patterns_test.go runs them through tgagent
			// with shortened thresholds.
			t.Logf("%s: takes %v in real time; played by the core test only", name, d)
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, policyLayer(t, dir, adjust[name]))
			r.addPANs(text)
			want := wantMQTT(t, filepath.Join(dir, "want.jsonl"))
			r.startAgent()
			r.sub.await(10*time.Second, "status online", hasStatus(map[string]string{"state": "online"}))
			r.play(text)
			r.sub.await(10*time.Second, fmt.Sprintf("%d alert/session messages", len(want)), func(m []message) bool {
				return len(events(m)) >= len(want)
			})
			time.Sleep(500 * time.Millisecond) // anything extra would show now
			got := events(r.sub.all())
			compare(t, normalise(t, got), normaliseWant(t, want))
			checkStatus(t, r)
		})
	}
}

// offLine reports whether a scenario has steps a serial player cannot
// send (touch, dispatch).
func offLine(t *testing.T, text string) bool {
	steps, err := scenario.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		if st.Kind == scenario.Touch || st.Kind == scenario.Dispatch || st.Kind == scenario.Restart {
			return true
		}
	}
	return false
}

// maxPlay is the longest scenario played here in real time.
const maxPlay = 2 * time.Minute

// playTime is how long the scenario's delays, waits and silences last.
func playTime(t *testing.T, text string) time.Duration {
	steps, err := scenario.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	var d time.Duration
	for _, st := range steps {
		d += st.Delay
	}
	return d
}

// events keeps the alert and session messages, in arrival order.
func events(msgs []message) []message {
	var out []message
	for _, m := range msgs {
		if strings.HasSuffix(m.Topic, "/alert") || strings.HasSuffix(m.Topic, "/session") {
			out = append(out, m)
		}
	}
	return out
}

// wantLine is an "mqtt" line of want.jsonl.
type wantLine struct {
	Out     string          `json:"out"`
	Topic   string          `json:"topic"`
	Payload json.RawMessage `json:"payload"`
}

func wantMQTT(t *testing.T, path string) []wantLine {
	t.Helper()
	var out []wantLine
	sc := bufio.NewScanner(bytes.NewReader([]byte(mustRead(t, path))))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var w wantLine
		if err := json.Unmarshal(sc.Bytes(), &w); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if w.Out == "mqtt" {
			out = append(out, w)
		}
	}
	return out
}

// policyLayer merges the scenario's policy.yaml and an adjustment.
func policyLayer(t *testing.T, dir, extra string) map[string]any {
	t.Helper()
	layer := map[string]any{}
	if b, err := os.ReadFile(filepath.Join(dir, "policy.yaml")); err == nil {
		if err := yaml.Unmarshal(b, &layer); err != nil {
			t.Fatalf("policy.yaml: %v", err)
		}
	}
	if extra != "" {
		if err := yaml.Unmarshal([]byte(extra), &layer); err != nil {
			t.Fatal(err)
		}
	}
	if len(layer) == 0 {
		return nil
	}
	return layer
}

// normalise renders messages as "topic payload" lines with ids replaced by
// their order of first appearance and times and durations checked for
// form, then blanked: the real run has real ids and real timing.
func normalise(t *testing.T, msgs []message) []string {
	t.Helper()
	n := newNormaliser()
	var out []string
	for _, m := range msgs {
		topic := m.Topic[strings.LastIndex(m.Topic, "/")+1:]
		if !strings.HasPrefix(m.Topic, prefix) {
			t.Errorf("topic %q is not under %s", m.Topic, prefix)
		}
		out = append(out, n.line(t, topic, m.Payload))
	}
	return out
}

func normaliseWant(t *testing.T, want []wantLine) []string {
	t.Helper()
	n := newNormaliser()
	var out []string
	for _, w := range want {
		out = append(out, n.line(t, w.Topic, w.Payload))
	}
	return out
}

type normaliser struct{ ids map[string]string }

func newNormaliser() *normaliser { return &normaliser{ids: map[string]string{}} }

var tsRe = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

func (n *normaliser) line(t *testing.T, topic string, payload []byte) string {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(payload, &v); err != nil {
		t.Fatalf("%s payload: %v: %s", topic, err, payload)
	}
	id := func(s string) string {
		if _, seen := n.ids[s]; !seen {
			n.ids[s] = fmt.Sprintf("<id%d>", len(n.ids)+1)
		}
		return n.ids[s]
	}
	for _, k := range []string{"session", "alert_id", "id"} {
		if s, ok := v[k].(string); ok {
			v[k] = id(s)
		}
	}
	// The rule inputs on a session record hold wall-clock values (the hour,
	// the weekday, seconds since START…): checked as numbers, then blanked.
	if list, ok := v["inputs"].([]any); ok {
		for _, e := range list {
			snap, _ := e.(map[string]any)
			for _, k := range []string{"hour", "weekday", "session_s", "func_s", "pause_s", "phone_on_s"} {
				if x, ok := snap[k]; ok {
					if _, num := x.(float64); !num {
						t.Errorf("inputs %s = %v, want a number", k, x)
					}
					snap[k] = "<t>"
				}
			}
		}
	}
	if list, ok := v["alert_ids"].([]any); ok {
		for i, e := range list {
			if s, ok := e.(string); ok {
				list[i] = id(s)
			}
		}
	}
	blank(t, v)
	b, _ := json.Marshal(v)
	return topic + " " + string(b)
}

// blank replaces times and durations, at any depth, after checking them.
func blank(t *testing.T, v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			switch k {
			case "ts", "started", "ended", "shown", "asked", "answered":
				if s, _ := e.(string); !tsRe.MatchString(s) {
					t.Errorf("%s = %v, want RFC 3339 UTC with milliseconds", k, e)
				}
				x[k] = "<ts>"
			case "duration_ms":
				if f, ok := e.(float64); !ok || f < 0 {
					t.Errorf("duration_ms = %v, want a number ≥ 0", e)
				}
				x[k] = "<ms>"
			default:
				blank(t, e)
			}
		}
	case []any:
		for _, e := range x {
			blank(t, e)
		}
	}
}

func compare(t *testing.T, got, want []string) {
	t.Helper()
	for i := 0; i < len(got) || i < len(want); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("MQTT message %d differs:\n got: %s\nwant: %s", i+1, g, w)
		}
	}
}

// checkStatus asserts the retained status a late console sees.
func checkStatus(t *testing.T, r *rig) {
	t.Helper()
	m := retained(t, r.broker.URL(), prefix+"status")
	if !m.Retained {
		t.Errorf("status is not retained")
	}
	v := decode(t, m)
	if v["state"] != "online" || v["link"] != "up" || v["ui"] != "off" {
		t.Errorf("status = %s, want state online, link up, ui off", m.Payload)
	}
	for _, k := range []string{"boot", "agent"} {
		if s, _ := v[k].(string); s == "" {
			t.Errorf("status %s is empty: %s", k, m.Payload)
		}
	}
	if s, _ := v["ts"].(string); s == "" {
		t.Errorf("status ts is missing: %s", m.Payload)
	} else if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		t.Errorf("status ts %q: %v", s, err)
	}
}

func mustRead(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func parseSteps(text string) ([]scenario.Step, error) { return scenario.Parse([]byte(text)) }
