package incident

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func alert(id, level string) envelope.Alert {
	age := 67
	return envelope.Alert{
		V: 1, ID: id, Type: "alert", AlertID: "A1", TS: envelope.Time(t0), Site: "S1", Terminal: "T1",
		Kind: "risk", Level: wire.Level(level), Score: 80, Held: true,
		Reasons:  []envelope.Reason{{Rule: "phone-call-during-transfer", Text: "On the phone"}},
		Customer: &envelope.Customer{Age: &age, Card: "622202******3445", CardKey: "ck1"},
		Txn:      &envelope.Txn{Fn: "TRANSFER", AmountMinor: 5000000, Currency: "CNY", Payee: "621700******0123", PayeeKey: "pk1"},
	}
}

func TestLifecycle(t *testing.T) {
	type op struct {
		name    string
		do      func(i *Incident, now time.Time) (Step, error)
		want    string // state after, or "" when the step must fail
		wantErr error
	}
	claim := func(g string) func(*Incident, time.Time) (Step, error) {
		return func(i *Incident, now time.Time) (Step, error) { return i.Claim(g, 60, now) }
	}
	arrive := func(i *Incident, now time.Time) (Step, error) { return i.Arrive("g1", now) }
	resolve := func(o, n string) func(*Incident, time.Time) (Step, error) {
		return func(i *Incident, now time.Time) (Step, error) { return i.Resolve("g1", o, n, now) }
	}
	cases := []struct {
		name string
		ops  []op
	}{
		{"happy path", []op{{"claim", claim("g1"), StateClaimed, nil}, {"arrive", arrive, StateArrived, nil}, {"resolve", resolve(OutcomeFraudStopped, ""), StateResolved, nil}}},
		{"arrive before claim", []op{{"arrive", arrive, "", ErrTransition}}},
		{"double claim", []op{{"claim", claim("g1"), StateClaimed, nil}, {"claim again", claim("g2"), "", ErrTransition}}},
		{"claim without guard", []op{{"claim", claim(""), "", ErrTransition}}},
		{"resolve unclaimed false alarm", []op{{"resolve", resolve(OutcomeFalseAlarm, ""), StateResolved, nil}}},
		{"other needs a note", []op{{"resolve", resolve(OutcomeOther, ""), "", ErrOutcome}}},
		{"other with note", []op{{"resolve", resolve(OutcomeOther, "customer left"), StateResolved, nil}}},
		{"unknown outcome", []op{{"resolve", resolve("lol", ""), "", ErrOutcome}}},
		{"resolve twice", []op{{"resolve", resolve(OutcomeFalseAlarm, ""), StateResolved, nil}, {"again", resolve(OutcomeFalseAlarm, ""), "", ErrTransition}}},
		{"claim resolved", []op{{"resolve", resolve(OutcomeFalseAlarm, ""), StateResolved, nil}, {"claim", claim("g1"), "", ErrTransition}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			i, _ := FromAlert("I1", alert("m1", "high"), t0)
			now := t0
			for _, o := range c.ops {
				now = now.Add(time.Minute)
				before := i.State
				s, err := o.do(&i, now)
				if o.wantErr != nil {
					if !errors.Is(err, o.wantErr) {
						t.Fatalf("%s: got err %v, want %v", o.name, err, o.wantErr)
					}
					if i.State != before {
						t.Fatalf("%s: failed step changed state %s → %s", o.name, before, i.State)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", o.name, err)
				}
				if i.State != o.want || !s.At.Equal(now) || s.Actor == "" || s.IncidentID != "I1" {
					t.Fatalf("%s: got state %s step %+v, want state %s at %v", o.name, i.State, s, o.want, now)
				}
			}
		})
	}
}

func TestFoldRaisesLevelAndKeepsReasons(t *testing.T) {
	i, _ := FromAlert("I1", alert("m1", "medium"), t0)
	u := alert("m2", "high")
	u.Type, u.State = "alert_update", "cancelled"
	u.Reasons = append(u.Reasons, envelope.Reason{Rule: "payee-listed", Text: "Listed"})
	i.Fold(u, t0.Add(time.Second))
	if i.Level != LevelHigh || i.TxnState != "cancelled" || len(i.Reasons) != 2 || !i.RungAt.Equal(t0.Add(time.Second)) {
		t.Fatalf("got level %s txn %s reasons %d rungAt %v", i.Level, i.TxnState, len(i.Reasons), i.RungAt)
	}
	d := alert("m3", "medium")
	i.Fold(d, t0.Add(2*time.Second))
	if i.Level != LevelHigh {
		t.Fatalf("level fell to %s", i.Level)
	}
}

func TestValidateAlert(t *testing.T) {
	a := alert("m1", "high")
	if err := ValidateAlert(a); err != nil {
		t.Fatal(err)
	}
	a.AlertID, a.Site = "", ""
	err := ValidateAlert(a)
	if err == nil || !strings.Contains(err.Error(), "alert_id") || !strings.Contains(err.Error(), "site") {
		t.Fatalf("got %v, want both missing fields named", err)
	}
	b := alert("m1", "high")
	b.Type = "status"
	if ValidateAlert(b) == nil {
		t.Fatal("type status accepted")
	}
}

func TestFoldKeepsNewestStateWhenUpdatesArriveOutOfOrder(t *testing.T) {
	i, _ := FromAlert("I1", alert("m1", "high"), t0)
	late := alert("m3", "high")
	late.Type, late.State, late.Held, late.TS = "alert_update", "ended", false, envelope.Time(t0.Add(2*time.Minute))
	early := alert("m2", "high")
	early.Type, early.State, early.TS = "alert_update", "confirmed", envelope.Time(t0.Add(time.Minute))
	i.Fold(late, t0.Add(3*time.Minute))
	i.Fold(early, t0.Add(4*time.Minute))
	if i.TxnState != "ended" || i.Held {
		t.Fatalf("got state %s held %v, want ended and released (the newest word)", i.TxnState, i.Held)
	}
}
