package backtest_test

import (
	"bytes"
	"encoding/json"
	stdmaps "maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/transferguard/transferguard/agent/backtest"
	"github.com/transferguard/transferguard/agent/rules"
)

// agree holds the fast reader to encoding/json on one line: both refuse
// it, or both accept it with the same Record and, replaying its inputs,
// the same Env at every step (or both an error). It says whether the
// line was a record that replayed.
func agree(t *testing.T, line []byte) bool {
	t.Helper()
	var want, got backtest.Record
	wantErr := json.Unmarshal(line, &want)
	gotErr := backtest.ReadRecord(line, &got)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("%q:\nencoding/json error %v\nfast reader error    %v", line, wantErr, gotErr)
	}
	if wantErr != nil {
		return false
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\nfast reader   %#v\nencoding/json %#v", line, got, want)
	}
	wantEnvs, wantErr := envs(rules.Replay, want.Inputs)
	gotEnvs, gotErr := envs(backtest.ReplayInputs, got.Inputs)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("%q:\nrules.Replay error %v\nfast replay error  %v", line, wantErr, gotErr)
	}
	if !reflect.DeepEqual(gotEnvs, wantEnvs) {
		t.Fatalf("%q:\nfast replay  %+v\nrules.Replay %+v", line, gotEnvs, wantEnvs)
	}
	return wantErr == nil && len(want.Inputs) > 0
}

// envs collects what replay hands its callback, maps copied: the
// callback's Env is reused.
func envs(replay func([]json.RawMessage, func(*rules.Env)) error, snaps []json.RawMessage) ([]rules.Env, error) {
	var out []rules.Env
	err := replay(snaps, func(env *rules.Env) {
		e := *env
		e.Sensors, e.Answers = stdmaps.Clone(e.Sensors), stdmaps.Clone(e.Answers)
		out = append(out, e)
	})
	return out, err
}

// Every record of a seeded month, and every snapshot in it, reads the
// same through the fast reader as through encoding/json.
func TestReaderAgreesOnMonth(t *testing.T) {
	recs, plans := month(t, 3000)
	replayed := 0
	for _, l := range bytes.Split(bytes.TrimSpace(recs), []byte("\n")) {
		if agree(t, l) {
			replayed++
		}
	}
	if replayed != len(plans) {
		t.Fatalf("%d records replayed, want %d", replayed, len(plans))
	}
}

// malformed are lines that are broken, of the wrong shape or unusual
// but valid JSON; the seeds of FuzzReadRecord too.
var malformed = []string{
	``, `   `, `null`, ` null `, `nul`, `[1]`, `"x"`, `5`, `true`, `{}`, `{} x`, `{`, `{"session"}`,
	`{"session":"a",}`, `{,}`, `{"session":5}`, `{"session":null}`, `{"session":"a\u00e9\n"}`,
	`{"session":"` + "\xff\xfe" + `"}`, `{"session":"` + "\x01" + `"}`, `{"session":"\u12"}`, `{"session":"\q"}`,
	`{"Session":"x","SITE":"y"}`, `{"ſession":"x"}`, `{"\u0073ite":"x"}`, `{"terminaL":"x","terminal":"y"}`,
	`{"score":1}`, `{"score":-0}`, `{"score":1.5}`, `{"score":1e2}`, `{"score":01}`, `{"score":-}`, `{"score":"1"}`,
	`{"score":99999999999999999999}`, `{"score":null}`, `{"score":true}`, `{"inputs_dropped":[]}`,
	`{"started":"2026-11-01T00:00:00.000Z"}`, `{"started":"2026-11-01T08:00:00+08:00"}`, `{"started":null}`,
	`{"started":"x"}`, `{"started":5}`, `{"started":{}}`, `{"level":"high","outcome":"fraud_stopped"}`,
	`{"rules":null}`, `{"rules":[]}`, `{"rules":["a",null]}`, `{"rules":[1]}`, `{"rules":"a"}`,
	`{"rules":["a","b","c"],"rules":["x"],"rules":[null,null,null]}`, `{"rules":["a"],"rules":[]}`,
	`{"inputs":null}`, `{"inputs":[]}`, `{"inputs":{}}`, `{"inputs":[null,1,"x",[],{}]}`, `{"inputs":[1,]}`,
	`{"inputs":[{"age":1.5}]}`, `{"inputs":[{"age":"1"}]}`, `{"inputs":[{"age":9223372036854775808}]}`,
	`{"inputs":[{"amount":1e400}]}`, `{"inputs":[{"amount":-0,"session_s":1.25e1,"func_s":12345678901234567}]}`,
	`{"inputs":[{"sensors":{"PHONE_CALL":true}},{"sensors":null},{"sensors":{}},{"fn":"X"}]}`,
	`{"inputs":[{"sensors":{"a":null,"b":1}}]}`, `{"inputs":[{"sensors":{"a":true},"sensors":{"b":false}}]}`,
	`{"inputs":[{"sensors":{},"sensors":{"b":true}}]}`, `{"inputs":[{"sensors":{"a":true},"sensors":null}]}`,
	`{"inputs":[{"answers":{"purpose":"investment","x":null}},{"answers":{"\u0078":"y"}},{"answers":5}]}`,
	`{"inputs":[{"card_24h":{"transfers":2,"MIN_MINOR":450000,"other":[1]}},{"card_24h":null},{"card_24h":{"max_minor":1}}]}`,
	`{"inputs":[{"card_24h":5}]}`, `{"inputs":[{"card_24h":{"transfers":1.5}}]}`,
	`{"inputs":[{"PAYEE_NEW":true,"payee_set":null,"confirmed":1}]}`, `{"inputs":[{"Fn":"TRANSFER","fN":null}]}`,
	`{"inputs":[{"unknown":{"deep":[[[{}]]]},"age":70}]}`, `{"screens":[{"name":"x","ack":"key"}],"v":1}`,
	`{"screens":[{"name":"x"]}`, `{"a":tru}`, `{"a":falsey}`, `{"a":1.}`, `{"a":.5}`, `{"a":1e}`, `{"a":-01}`,
	`{"a" : [ 1 , 2 ] , "b" : { } }`, "{\"a\":\t1\r\n}", `{"a":1}}`, `{"a":[}`,
}

// The fast reader refuses what encoding/json refuses and reads the odd
// cases (case-folded keys, null members, duplicates) the same way.
func TestReaderAgreesOnMalformed(t *testing.T) {
	for _, l := range malformed {
		agree(t, []byte(l))
	}
	deep := func(n int) []byte {
		return []byte(`{"screens":` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}`)
	}
	if agree(t, deep(10000)); json.Unmarshal(deep(10001), new(any)) == nil {
		t.Fatal("encoding/json accepts 10,001 levels; the depth test below would test nothing")
	}
	agree(t, deep(10001))
}

// FuzzReadRecord holds the fast reader to encoding/json on any line.
func FuzzReadRecord(f *testing.F) {
	recs, _ := month(f, 100)
	for _, l := range bytes.Split(bytes.TrimSpace(recs), []byte("\n")) {
		f.Add(l)
	}
	for _, l := range malformed {
		f.Add([]byte(l))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		agree(t, line)
	})
}

// The reader knows every field of rules.Inputs and of its card history
// under its wire name, and no other: a field added to the record is
// read, not silently skipped. The keys fit the reader's change mask.
func TestReaderKnowsEveryInput(t *testing.T) {
	tags := func(v any) []string {
		var out []string
		for f := range reflect.TypeOf(v).Fields() {
			out = append(out, f.Tag.Get("json"))
		}
		return out
	}
	var card struct {
		Transfers   int   `json:"transfers"`
		AmountMinor int64 `json:"amount_minor"`
		MinMinor    int64 `json:"min_minor"`
		MaxMinor    int64 `json:"max_minor"`
	}
	b, _ := json.Marshal(rules.CardHistory{Transfers: 1, AmountMinor: 2, MinMinor: 3, MaxMinor: 4})
	if err := json.Unmarshal(b, &card); err != nil || card.Transfers != 1 || card.AmountMinor != 2 || card.MinMinor != 3 || card.MaxMinor != 4 {
		t.Fatalf("card history %s does not use the names below", b)
	}
	if got, want := backtest.InputKeys, tags(rules.Inputs{}); !slices.Equal(got, want) {
		t.Errorf("reader's input keys %v, rules.Inputs has %v", got, want)
	}
	if got, want := backtest.CardKeys, tags(card); !slices.Equal(got, want) {
		t.Errorf("reader's card keys %v, want %v", got, want)
	}
	if len(backtest.InputKeys) > 32 {
		t.Errorf("%d input keys do not fit the reader's 32-bit change mask", len(backtest.InputKeys))
	}
}
