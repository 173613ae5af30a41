package sessiongen

import (
	"strconv"
	"time"

	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
)

// Sensor states on the wire.
const (
	sensorOn  = "ON"
	sensorOff = "OFF"
)

// play runs one session on the terminal: START, the function, payee and
// amount, a phone call if planned, the customer's choice after the
// cooling-off, CONFIRM and DONE, END.
func (t *term) play(p Plan) (Session, error) {
	t.send(0, frame.New(wire.Start, "channel", string(wire.ChannelATM), "age", strconv.Itoa(p.Age),
		"card", "6222021234563445", "region", "330381", "lang", "zh"))
	t.send(2*time.Second, frame.New(wire.Func, "fn", string(p.Fn)))
	if p.Phone {
		t.send(time.Second, frame.New(wire.Sensor, "kind", string(wire.SensorPhoneCall), "state", sensorOn))
	}
	if p.Fn == wire.FnTransfer {
		acct, isNew := "6228480402564890018", "0"
		if p.PayeeListed {
			acct = Listed
		}
		if p.PayeeNew {
			isNew = "1"
		}
		t.send(time.Second, frame.New(wire.Payee, "acct", acct, "new", isNew))
	}
	t.send(time.Second, frame.New(wire.Amount, "minor", strconv.FormatInt(p.AmountMinor, 10), "cur", "CNY"))
	if p.Fn == wire.FnTransfer {
		t.send(11*time.Second, frame.New(wire.Key, "key", t.choiceKey(p.Choice)))
	}
	if p.Phone {
		t.send(time.Second, frame.New(wire.Sensor, "kind", string(wire.SensorPhoneCall), "state", sensorOff))
	}
	if p.Choice == screen.ChoiceContinue || p.Fn != wire.FnTransfer {
		t.send(time.Second, frame.New(wire.Confirm))
		t.send(2*time.Second, frame.New(wire.Done, "result", "OK"))
	} else {
		t.send(time.Second, frame.New(wire.Cancel))
	}
	t.send(time.Second, frame.New(wire.End))
	return t.out.collect(p)
}

func (t *term) choiceKey(choice string) string {
	switch choice {
	case screen.ChoiceStop:
		return string(wire.KeyCancel)
	case screen.ChoiceHelp:
		return t.helpKey
	}
	return string(wire.KeyEnter)
}

// send lets d pass (running the terminal's timers) and hands f to it.
func (t *term) send(d time.Duration, f frame.Frame) {
	t.wait(d)
	t.t.HandleFrame(f)
}

// idle lets the terminal stand idle until at: one jump and one Tick (the
// link goes down, as it would with a silent controller between
// customers), not a heartbeat every few seconds.
func (t *term) idle(at time.Time) {
	if d := at.Sub(t.clk.Now()); d > 0 {
		t.clk.Advance(d)
		t.t.Tick()
	}
}

// wait advances the clock by d, calling Tick at every deadline on the way
// (a bounded number of times: a deadline that does not move on is left).
func (t *term) wait(d time.Duration) {
	end := t.clk.Now().Add(max(d, 0))
	for range 1000 {
		next := t.t.NextDeadline()
		if next.IsZero() || next.After(end) {
			break
		}
		if now := t.clk.Now(); next.After(now) {
			t.clk.Advance(next.Sub(now))
		}
		t.t.Tick()
	}
	t.clk.Advance(end.Sub(t.clk.Now()))
}
