// Package agenttest holds fakes of the core's seams that record what the
// core did, in order, so tests assert on what a controller, a customer and
// a guard console would see.
package agenttest

import (
	"encoding/json"
	"sync"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
)

// Event is one observable output of the core.
type Event struct {
	Out     string            `json:"out"` // frame, screen, mqtt, link
	Type    string            `json:"type,omitempty"`
	Fields  map[string]string `json:"fields,omitempty"`
	Screen  *screen.Screen    `json:"screen,omitempty"`
	Topic   string            `json:"topic,omitempty"`
	Payload json.RawMessage   `json:"payload,omitempty"`
	Link    *bool             `json:"link,omitempty"`
}

// Recorder implements terminal.Controller, Display, Publisher and
// StatusSink. It is safe for concurrent use.
type Recorder struct {
	mu     sync.Mutex
	events []Event
	// Fail makes Publish return this error (a failing disk).
	Fail error
}

// Send records a frame to the controller.
func (r *Recorder) Send(f frame.Frame) {
	fields := map[string]string{}
	for _, kv := range f.Fields {
		fields[kv.Key] = kv.Value
	}
	r.add(Event{Out: "frame", Type: string(f.Type), Fields: fields})
}

// Show records a screen.
func (r *Recorder) Show(s screen.Screen) { r.add(Event{Out: "screen", Screen: &s}) }

// Publish records a durable message.
func (r *Recorder) Publish(m envelope.Message) error {
	if r.Fail != nil {
		return r.Fail
	}
	r.add(Event{Out: "mqtt", Topic: string(m.Topic), Payload: json.RawMessage(m.Payload)})
	return nil
}

// SetLink records a link state change.
func (r *Recorder) SetLink(up bool) { r.add(Event{Out: "link", Link: &up}) }

func (r *Recorder) add(e Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

// Events returns a copy of everything recorded so far.
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// Frames returns the recorded frames of type typ (all when typ is "").
func (r *Recorder) Frames(typ string) []Event {
	var out []Event
	for _, e := range r.Events() {
		if e.Out == "frame" && (typ == "" || e.Type == typ) {
			out = append(out, e)
		}
	}
	return out
}

// Messages returns the recorded MQTT payloads on topic, decoded.
func (r *Recorder) Messages(topic wire.Suffix) []map[string]any {
	var out []map[string]any
	for _, e := range r.Events() {
		if e.Out == "mqtt" && e.Topic == string(topic) {
			var m map[string]any
			_ = json.Unmarshal(e.Payload, &m)
			out = append(out, m)
		}
	}
	return out
}

// Screens returns the names of the screens shown, in order, without
// consecutive repeats.
func (r *Recorder) Screens() []wire.ScreenName {
	var out []wire.ScreenName
	for _, e := range r.Events() {
		if e.Out == "screen" && (len(out) == 0 || out[len(out)-1] != e.Screen.Name) {
			out = append(out, e.Screen.Name)
		}
	}
	return out
}
