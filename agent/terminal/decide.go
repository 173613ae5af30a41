package terminal

import (
	"time"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/wire"
)

// evaluate runs every rule over the open session. Fired rules stay fired
// for the rest of the session (a call that ended a minute ago still
// explains the transfer), so the score and level only rise.
func (t *Terminal) evaluate(now time.Time) {
	s := t.sess
	env := s.env(now)
	score := 0
	for _, r := range s.policy.OrderedRules() {
		if !s.fired[r.ID] {
			ok, err := r.Program().Match(env)
			if err != nil {
				t.log.Error().Err(err).Str("rule", r.ID).Msg("rule failed; counted as not matching")
			}
			if ok {
				s.fired[r.ID] = true
				t.log.Info().Str("session", s.id).Str("rule", r.ID).Int("score", r.Score).Msg("rule fired")
			}
		}
		if s.fired[r.ID] {
			score += r.Score
		}
	}
	s.score = min(score, 100)
	a := s.policy.Alerts
	level := wire.LevelNone
	switch {
	case s.score >= a.High:
		level = wire.LevelHigh
	case s.score >= a.Medium:
		level = wire.LevelMedium
	}
	if level.Rank() > s.level.Rank() {
		s.level = level
	}
	if s.level == wire.LevelNone {
		return
	}
	if hl := a.HoldLevel; hl != config.HoldLevelNone && s.level.Rank() >= wire.Level(hl).Rank() && !s.cleared {
		if !s.holdReason.IsRisk() {
			t.hold(now, wire.RiskHold(s.level))
		}
	}
	if s.alertID == "" {
		t.raiseRisk(now)
	} else if s.level != s.alertLevel || len(s.firedRules()) != s.alertReasons {
		t.publishUpdate(now)
	}
}

// hold advises the terminal not to authorise; a stronger reason replaces
// a weaker one with a new HOLD frame.
func (t *Terminal) hold(now time.Time, reason wire.HoldReason) {
	s := t.sess
	if s.holdReason == reason || (s.holdReason.IsRisk() && reason == wire.HoldCoolingOff) {
		return
	}
	s.holdReason = reason
	t.o.Controller.Send(frame.New(wire.Hold, "sid", s.id, "reason", string(reason)))
	t.log.Info().Str("session", s.id).Str("reason", string(reason)).Msg("hold")
}

func (t *Terminal) release(now time.Time) {
	s := t.sess
	if s.holdReason == "" {
		return
	}
	s.holdReason = wire.HoldNone
	t.o.Controller.Send(frame.New(wire.Release, "sid", s.id))
	t.log.Info().Str("session", s.id).Msg("release")
}

// acknowledge takes a customer's acknowledgement of the transfer warning.
// Before the cooling-off ends it is counted and ignored: the countdown
// cannot be skipped.
func (t *Terminal) acknowledge(now time.Time, how string) {
	s := t.sess
	if s == nil || !s.warningPending() {
		return
	}
	grace := time.Duration(s.policy.Timings.EarlyAckGraceMS) * time.Millisecond
	if now.Before(s.coolingEnds().Add(grace)) {
		if a := s.lastAudit(); a != nil {
			a.EarlyAcks++
		}
		return
	}
	s.warnAcked = true
	t.closeWarning(now, how)
	t.log.Info().Str("session", s.id).Str("by", how).Msg("warning acknowledged")
	if s.holdReason == wire.HoldCoolingOff {
		t.release(now)
	}
}
