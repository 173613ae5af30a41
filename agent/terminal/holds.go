package terminal

import (
	"strconv"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
)

// holdSet is the HOLDs in force on a session (CONTRACT §14): each reason
// is held and released on its own — a transfer's cooling_off and a risk
// hold are two holds, and lifting one never lifts the other. A terminal
// authorises only when every HOLD it was sent has had its RELEASE.
type holdSet []wire.HoldReason

func (h holdSet) has(r wire.HoldReason) bool {
	for _, x := range h {
		if x == r {
			return true
		}
	}
	return false
}

// risk reports whether a risk hold (one only staff may lift) is in force.
func (h holdSet) risk() bool {
	for _, x := range h {
		if x.IsRisk() {
			return true
		}
	}
	return false
}

func (h holdSet) without(r wire.HoldReason) holdSet {
	out := h[:0:0]
	for _, x := range h {
		if x != r {
			out = append(out, x)
		}
	}
	return out
}

// hold advises the terminal not to authorise for reason; a reason already
// in force is not sent again. The session is saved with the hold before
// the HOLD leaves, so an agent killed once the controller has it restores
// it (CONTRACT §14) — the serial link may acknowledge the frame that
// caused it before the core is done (serialport.Config.AckWhenProcessed).
func (t *Terminal) hold(reason wire.HoldReason) {
	if t.addHold(reason) {
		t.persist(t.o.Clock.Now())
		t.sendHold(reason)
	}
}

// addHold puts reason in force; false when it already was.
func (t *Terminal) addHold(reason wire.HoldReason) bool {
	s := t.sess
	if s.holds.has(reason) {
		return false
	}
	s.holds = append(s.holds, reason)
	return true
}

// sendHold tells the controller of a hold addHold put in force.
func (t *Terminal) sendHold(reason wire.HoldReason) {
	s := t.sess
	t.o.Controller.Send(frame.New(wire.Hold, "sid", s.id, "reason", string(reason)))
	t.log.Info().Str("session", s.id).Str("reason", string(reason)).Msg("hold")
}

// release lifts one hold with a RELEASE naming it; nothing when it is not
// in force.
func (t *Terminal) release(reason wire.HoldReason) {
	s := t.sess
	if !s.holds.has(reason) {
		return
	}
	s.holds = s.holds.without(reason)
	t.o.Controller.Send(frame.New(wire.Release, "sid", s.id, "reason", string(reason)))
	t.log.Info().Str("session", s.id).Str("reason", string(reason)).Msg("release")
}

// releaseRisk lifts every risk hold (staff resolved the alert); the
// cooling_off hold stays for the warning that follows.
func (t *Terminal) releaseRisk() {
	for _, r := range t.sess.holds {
		if r.IsRisk() {
			t.release(r)
		}
	}
}

// releaseAll lifts every hold, one RELEASE each, when the session ends.
func (t *Terminal) releaseAll() {
	for _, r := range t.sess.holds {
		t.release(r)
	}
}

// screenFrame is the SCREEN frame for sc. On the transfer warning it says
// how much cooling-off is left (countdown_s, whole seconds rounded up) and
// when it ends on the agent's clock (until), so a terminal never
// hard-codes the length and never lets a key through early (CONTRACT §14).
func (t *Terminal) screenFrame(sc screen.Screen, now time.Time) frame.Frame {
	f := frame.New(wire.Screen, "name", string(sc.Name), "sid", sc.SID)
	s := t.sess
	if sc.Question != "" {
		f.Fields = append(f.Fields, frame.Field{Key: "q", Value: sc.Question})
	}
	if sc.Name != wire.ScreenTransferWarning || s == nil {
		return f
	}
	left := s.countdownLeft(now)
	secs := int((left + time.Second - 1) / time.Second)
	f.Fields = append(f.Fields,
		frame.Field{Key: "countdown_s", Value: strconv.Itoa(secs)},
		frame.Field{Key: "until", Value: now.Add(left).UTC().Format(envelope.TimeLayout)})
	return f
}

// resendAdvice repeats the HOLDs in force and the screen shown when the
// link comes back: frames sent while it was down were dropped, and a
// terminal that missed a HOLD would authorise a held transaction. A
// transfer warning starts its countdown again in full: a key the terminal
// buffered during the outage must not continue at once.
func (t *Terminal) resendAdvice(now time.Time) {
	if t.shown.Name == "" {
		return
	}
	s := t.sess
	if s != nil {
		for _, r := range s.holds {
			t.o.Controller.Send(frame.New(wire.Hold, "sid", s.id, "reason", string(r)))
		}
		if t.shown.Name == wire.ScreenTransferWarning && t.shown.SID == s.id {
			s.warnFrom = now
			t.show(t.build(wire.ScreenTransferWarning, now))
		}
	}
	t.o.Controller.Send(t.screenFrame(t.shown, now))
}
