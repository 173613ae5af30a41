package terminal

import (
	"strings"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
)

// The customer's choices (CONTRACT §6). A choice counts only when the
// screen on display offers it: the stopped and staff screens offer none,
// the high-risk screen only stop, and the transfer warning offers continue
// only when no risk_high HOLD is in force. Continue needs the warning to
// have been on screen for the whole cooling-off; one made earlier is
// counted in the audit (early_acks) and ignored. Stop and help are taken at
// any time: they are the safe way out.

// keyChoice maps a terminal or keyboard key to the choice it makes; ""
// for a key that chooses nothing.
func (t *Terminal) keyChoice(key string) string {
	key = strings.ToUpper(key)
	switch {
	case key == string(wire.KeyEnter) || key == "KP_ENTER":
		return screen.ChoiceContinue
	case key == string(wire.KeyCancel):
		return screen.ChoiceStop
	case t.sess != nil && key == t.sess.policy.HelpKey:
		return screen.ChoiceHelp
	}
	return ""
}

// HandleInput processes a touch, click or key from the screen process. A
// touch or click chooses only inside a button (Choice set); a touch
// anywhere else never chooses.
func (t *Terminal) HandleInput(in screen.FromDisplay) {
	if in.Type != screen.MsgInput || t.sess == nil {
		return
	}
	now := t.o.Clock.Now()
	id, by := in.Choice, envelope.ChoiceByTouch
	if in.Source == screen.SourceKey {
		if t.questionKey(now, in.Key, envelope.ChoiceByKey) {
			t.render(now)
			return
		}
		id, by = t.keyChoice(in.Key), envelope.ChoiceByKey
	}
	if id == "" {
		return
	}
	if a := t.questionShown(); a != nil {
		t.answer(now, a.q.ID, id, by)
	} else {
		t.choose(now, id, by)
	}
	t.render(now)
}

// keyFrame handles a KEY frame from the terminal.
func (t *Terminal) keyFrame(now time.Time, key string) {
	if t.questionKey(now, key, envelope.ChoiceByKey) {
		return
	}
	if id := t.keyChoice(key); id != "" {
		t.choose(now, id, envelope.ChoiceByKey)
	}
}

// offered reports whether the screen on display has the choice id.
func (t *Terminal) offered(id string) bool {
	if t.shown.SID != t.sess.id {
		return false
	}
	for _, c := range t.shown.Choices {
		if c.ID == id {
			return true
		}
	}
	return false
}

// choose applies the customer's choice id, made by key or touch.
func (t *Terminal) choose(now time.Time, id, by string) {
	s := t.sess
	if !t.offered(id) {
		t.log.Info().Str("session", s.id).Str("choice", id).Str("screen", string(t.shown.Name)).Msg("choice not offered; ignored")
		return
	}
	switch id {
	case screen.ChoiceContinue:
		if !s.countdownOver(now) {
			if a := s.lastAudit(); a != nil {
				a.EarlyAcks++
			}
			return
		}
		s.warnOpen = false
		t.release(wire.HoldCoolingOff)
	case screen.ChoiceStop:
		s.warnOpen, s.stopped = false, true
	case screen.ChoiceHelp:
		// The warning stays open: once staff resolve, it follows again
		// with its full countdown.
		t.raiseHelp(now)
	default:
		return
	}
	s.choice, s.choiceBy = id, by
	if a := s.lastAudit(); a != nil {
		a.Ack, a.Choice = by, id
	}
	t.log.Info().Str("session", s.id).Str("choice", id).Str("by", by).Msg("customer chose")
	t.publishUpdate(now)
}
