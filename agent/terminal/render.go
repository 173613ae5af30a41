package terminal

import (
	"slices"
	"time"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
)

// decide names the screen the customer should see now. What staff are
// doing comes first (a claim is the only thing that may say "staff are on
// the way"), then the customer's own choice, then risk, then the warning.
func (t *Terminal) decide(now time.Time) wire.ScreenName {
	s := t.sess
	if s == nil {
		return wire.ScreenStandby
	}
	switch {
	case s.dispatch == wire.DispatchArrived:
		return wire.ScreenStaffArrived
	case s.dispatch == wire.DispatchClaimed:
		return wire.ScreenStaffComing
	case s.helpOpen:
		return wire.ScreenHelpComing
	case s.stopped:
		return wire.ScreenStopped
	case s.level == wire.LevelHigh && !s.cleared:
		return wire.ScreenHighRisk
	case s.qs.cur != nil:
		return wire.ScreenQuestion
	case s.warnOpen:
		return wire.ScreenTransferWarning
	case now.Before(s.remindEnd):
		return wire.ScreenReminder
	}
	return wire.ScreenStandby
}

// render decides the screen and, when it differs from the one shown, tells
// the display and the controller and records it for the audit.
func (t *Terminal) render(now time.Time) {
	defer t.persist(now)
	t.renderedAt = now
	name := t.decide(now)
	sid := ""
	if s := t.sess; s != nil {
		sid = s.id
		s.trackWarning(name, t.shown, now)
	}
	next := t.build(name, now)
	cur := t.shown
	newScreen := cur.Name != next.Name || cur.SID != next.SID || cur.Question != next.Question || cur.Decided.IsZero()
	if !newScreen && sameContent(cur, next) {
		return
	}
	t.show(next)
	if !newScreen {
		return
	}
	t.o.Controller.Send(t.screenFrame(next, now))
	t.log.Info().Str("screen", string(name)).Str("session", sid).Str("lang", next.Lang).Msg("screen")
	if s := t.sess; s != nil {
		s.screenChanged(name, t.shown.Seq, now)
	}
}

// trackWarning starts the warning's countdown afresh each time the warning
// comes on screen, and stops it while another screen covers it: the
// cooling-off counts only time the customer could read the warning.
func (s *session) trackWarning(name wire.ScreenName, shown screen.Screen, now time.Time) {
	switch {
	case name != wire.ScreenTransferWarning:
		s.warnFrom = time.Time{}
	case shown.Name != name || shown.SID != s.id || s.warnFrom.IsZero():
		s.warnFrom = now
	}
}

// build fills the screen called name for the open session (or standby's
// policy when none is open).
func (t *Terminal) build(name wire.ScreenName, now time.Time) screen.Screen {
	p, lang, sid := t.policy, t.policy.DefaultLang, ""
	if s := t.sess; s != nil {
		p, lang, sid = s.policy, s.lang, s.id
	}
	sc := build(p, name, lang, t.sess, now)
	if name == wire.ScreenQuestion {
		sc = buildQuestion(p, lang, t.sess, now)
	}
	sc.SID = sid
	return sc
}

// show hands sc to the display as a new decision.
func (t *Terminal) show(sc screen.Screen) {
	t.seq++
	sc.Seq = t.seq
	t.shown = sc
	t.o.Display.Show(sc)
}

func sameContent(a, b screen.Screen) bool {
	return a.Title == b.Title && slices.Equal(a.Lines, b.Lines) && a.Footer == b.Footer &&
		a.Lang == b.Lang && a.Ack == b.Ack && slices.Equal(a.Choices, b.Choices) && a.Pictogram == b.Pictogram
}
