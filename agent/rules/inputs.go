package rules

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
)

// Inputs is the wire form of Env on a session record (CONTRACT §13): the
// same fields under the same names a rule uses. It is a separate type so
// Env keeps no JSON methods a rule could call; the conversion Env(Inputs)
// stops compiling the day a field is added to one and not the other.
type Inputs struct {
	Channel     string            `json:"channel"`
	Fn          string            `json:"fn"`
	Age         int               `json:"age"`
	Region      string            `json:"region"`
	Lang        string            `json:"lang"`
	AmountMinor int64             `json:"amount_minor"`
	Amount      float64           `json:"amount"`
	Currency    string            `json:"currency"`
	PayeeSet    bool              `json:"payee_set"`
	PayeeNew    bool              `json:"payee_new"`
	PayeeListed bool              `json:"payee_listed"`
	PhoneCall   bool              `json:"phone_call"`
	PhoneSeen   bool              `json:"phone_seen"`
	PhoneListed bool              `json:"phone_listed"`
	Confirmed   bool              `json:"confirmed"`
	Transfers   int               `json:"transfers"`
	Cancels     int               `json:"cancels"`
	Hour        int               `json:"hour"`
	Weekday     int               `json:"weekday"`
	SessionS    float64           `json:"session_s"`
	FuncS       float64           `json:"func_s"`
	Sensors     map[string]bool   `json:"sensors"`
	PauseS      float64           `json:"pause_s"`
	Attempts    int               `json:"attempts"`
	PhoneOnS    float64           `json:"phone_on_s"`
	Answers     map[string]string `json:"answers"`
	Card24h     CardHistory       `json:"card_24h"`
	SiteRegion  string            `json:"site_region"`
}

// MarshalJSON writes a card history under its rule names.
func (c CardHistory) MarshalJSON() ([]byte, error) {
	return json.Marshal(cardJSON(c))
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (c *CardHistory) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, (*cardJSON)(c))
}

type cardJSON struct {
	Transfers   int   `json:"transfers"`
	AmountMinor int64 `json:"amount_minor"`
	MinMinor    int64 `json:"min_minor"`
	MaxMinor    int64 `json:"max_minor"`
}

// Trace bounds: a session keeps at most MaxInputs snapshots; once
// quietFull are kept, only snapshots at which a rule newly fired are,
// so the rules that fired can always be shown to have fired.
const (
	MaxInputs = 64
	quietFull = 48
)

// Trace is the rule inputs of one session, one snapshot per evaluation at
// which an input changed. Each snapshot holds only the fields that differ
// from the snapshot kept before it (the first: from the zero Env; a map
// field is written whole when any key changed). Evaluating rules over
// the kept snapshots in order, with fired rules sticky, gives exactly what
// the terminal decided (agent/backtest).
type Trace struct {
	prev    Inputs
	items   []json.RawMessage
	dropped int
}

// Add records env, evaluated at this point of the session; fired says a
// rule newly fired on it. A snapshot equal to the previous one is not
// kept: evaluating it again would change nothing.
func (t *Trace) Add(env *Env, fired bool) {
	cur := Inputs(*env)
	cur.Sensors, cur.Answers = maps.Clone(cur.Sensors), maps.Clone(cur.Answers)
	delta := diff(&t.prev, &cur)
	if len(delta) == 0 {
		return
	}
	if n := len(t.items); n >= MaxInputs || (n >= quietFull && !fired) {
		t.dropped++
		return
	}
	b, err := json.Marshal(delta)
	if err != nil { // only plain values: cannot happen
		t.dropped++
		return
	}
	t.items = append(t.items, b)
	t.prev = cur
}

// Snapshots returns the kept snapshots, oldest first.
func (t *Trace) Snapshots() []json.RawMessage { return t.items }

// Dropped is how many changed snapshots the bound left out.
func (t *Trace) Dropped() int { return t.dropped }

// diff returns the fields of cur that differ from prev, by wire name.
func diff(prev, cur *Inputs) map[string]any {
	out := map[string]any{}
	pv, cv := reflect.ValueOf(prev).Elem(), reflect.ValueOf(cur).Elem()
	for i, f := range inputFields {
		c := cv.Field(i).Interface()
		if !reflect.DeepEqual(pv.Field(i).Interface(), c) {
			out[f] = c
		}
	}
	return out
}

var inputFields = func() []string {
	t := reflect.TypeOf(Inputs{})
	out := make([]string, t.NumField())
	for i := range out {
		out[i] = t.Field(i).Tag.Get("json")
	}
	return out
}()

// Replay decodes a trace's snapshots in order and calls fn with each
// whole Env. fn must not keep env past the call: it is reused.
func Replay(snapshots []json.RawMessage, fn func(env *Env)) error {
	var cur Inputs
	for i, raw := range snapshots {
		prevSensors, prevAnswers := cur.Sensors, cur.Answers
		cur.Sensors, cur.Answers = nil, nil
		if err := json.Unmarshal(raw, &cur); err != nil {
			return fmt.Errorf("rules: inputs snapshot %d: %w", i, err)
		}
		if cur.Sensors == nil {
			cur.Sensors = prevSensors
		}
		if cur.Answers == nil {
			cur.Answers = prevAnswers
		}
		env := Env(cur)
		fn(&env)
	}
	return nil
}
