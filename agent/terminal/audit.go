package terminal

import (
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

// auditScreen is one screen of the session's audit trail.
type auditScreen struct {
	envelope.ScreenShown
	shownAt time.Time
	seq     uint64 // the display seq of the screen's first decision
	closed  bool
}

// screenChanged closes the previous audit entry and opens one for name.
func (s *session) screenChanged(name wire.ScreenName, seq uint64, now time.Time) {
	if a := s.lastAudit(); a != nil && !a.closed {
		a.DurationMS, a.closed = now.Sub(a.shownAt).Milliseconds(), true
	}
	s.audit = append(s.audit, auditScreen{
		ScreenShown: envelope.ScreenShown{Name: name, Shown: envelope.Time(now)},
		shownAt:     now,
		seq:         seq,
	})
}

func (s *session) lastAudit() *auditScreen {
	if len(s.audit) == 0 {
		return nil
	}
	return &s.audit[len(s.audit)-1]
}

// HandleShown records that the display drew the screen with seq, for
// the audit of what the customer could see and when.
func (t *Terminal) HandleShown(seq uint64) {
	s := t.sess
	if s == nil {
		return
	}
	// The entry drawn is the latest one decided at or before seq: a screen
	// whose content changed (a guard's name, a countdown) is shown again
	// under a newer seq while its audit entry keeps the first one.
	for i := len(s.audit) - 1; i >= 0; i-- {
		if a := &s.audit[i]; a.seq <= seq {
			if a.Drawn == nil {
				now := envelope.Time(t.o.Clock.Now())
				a.Drawn = &now
			}
			return
		}
	}
}

// closeWarning records how the latest transfer warning was closed when
// no choice closed it (cancel).
func (s *session) closeWarning(how string) {
	for i := len(s.audit) - 1; i >= 0; i-- {
		if s.audit[i].Name == wire.ScreenTransferWarning {
			if s.audit[i].Ack == "" {
				s.audit[i].Ack = how
			}
			return
		}
	}
}

// endSession closes the open session: releases any hold, publishes the
// alert's final update and the audit record, and returns to standby.
func (t *Terminal) endSession(now time.Time, reason string) {
	s := t.sess
	if a := s.lastAudit(); a != nil && !a.closed {
		a.DurationMS, a.closed = now.Sub(a.shownAt).Milliseconds(), true
	}
	t.releaseAll()
	t.recordHistory(s, now)
	s.ended, s.endReason = true, reason
	t.publishUpdate(now)
	t.closeOthers(now)
	if len(s.alertIDs) > 0 || s.warned() {
		t.publishRecord(now, reason)
	}
	t.log.Info().Str("session", s.id).Str("reason", reason).Str("level", string(s.level)).Msg("session ended")
	t.sess = nil
}

// warned reports whether the session showed any warning screen.
func (s *session) warned() bool {
	for _, a := range s.audit {
		if a.Name != wire.ScreenReminder && a.Name != wire.ScreenStandby {
			return true
		}
	}
	return false
}

func (t *Terminal) publishRecord(now time.Time, reason string) {
	s := t.sess
	r := envelope.SessionRecord{
		V: 1, ID: t.o.IDs(), Type: wire.TypeSession, TS: envelope.Time(now),
		Site: t.o.Site, Terminal: t.o.Terminal, Session: s.id, Channel: s.channel, Lang: s.lang,
		Started: envelope.Time(s.started), Ended: envelope.Time(now), EndReason: reason,
		State: txnState(s), AlertID: mainAlert(s), AlertIDs: s.alertIDs, Level: s.level, Score: s.score,
		Choice: s.choice, ChoiceBy: s.choiceBy, Screens: []envelope.ScreenShown{},
		Inputs: s.inputs.Snapshots(), InputsDropped: s.inputs.Dropped(),
	}
	if r.Choice == "" {
		r.Choice = envelope.ChoiceNone
	}
	for _, rule := range s.firedRules() {
		r.Rules = append(r.Rules, rule.ID)
	}
	for _, a := range s.audit {
		r.Screens = append(r.Screens, a.ScreenShown)
	}
	r.Answers = s.answersRecord()
	t.publish(wire.TopicSession, r.ID, r)
}

// mainAlert is the alert a record is filed under: the risk alert, else
// the help alert, else the first panic or tamper alert.
func mainAlert(s *session) string {
	switch {
	case s.alertID != "":
		return s.alertID
	case s.helpID != "":
		return s.helpID
	case len(s.alertIDs) > 0:
		return s.alertIDs[0]
	}
	return ""
}
