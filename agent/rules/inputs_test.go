package rules

import (
	"reflect"
	"testing"
)

// Snapshots replay to the Envs recorded, and the bound keeps the ones at
// which a rule fired.
func TestTraceReplayAndBound(t *testing.T) {
	var tr Trace
	var want []Env
	for n := range 100 {
		e := Env{Channel: "ATM", Age: 67, SessionS: float64(n) / 3, Sensors: map[string]bool{"PHONE_CALL": n%2 == 0},
			Answers: map[string]string{"purpose": "none"}, Card24h: CardHistory{Transfers: n / 10, AmountMinor: int64(n) * 100}}
		if n == 5 {
			tr.Add(&e, false) // the same again: nothing kept
		}
		fired := n >= 90
		tr.Add(&e, fired)
		if n < quietFull || (fired && len(want) < MaxInputs) {
			want = append(want, e)
		}
	}
	if got := len(tr.Snapshots()); got != MaxInputs-6 || tr.Dropped() != 100-(MaxInputs-6) {
		t.Fatalf("kept %d, dropped %d: want the first %d quiet ones and the 10 that fired", got, tr.Dropped(), quietFull)
	}
	var got []Env
	if err := Replay(tr.Snapshots(), func(e *Env) {
		c := *e
		got = append(got, c)
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("replayed %d envs differ from the %d recorded\n got[1] %+v\nwant[1] %+v", len(got), len(want), got[1], want[1])
	}
}
