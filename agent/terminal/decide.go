package terminal

import (
	"time"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/wire"
)

// evaluate runs every rule over the open session. Fired rules stay fired
// for the rest of the session (a call that ended a minute ago still
// explains the transfer), so the score and level only rise.
func (t *Terminal) evaluate(now time.Time) {
	s := t.sess
	env := s.env(now)
	newly := false
	s.score = s.policy.Score(env, s.fired, func(r *config.Rule) {
		newly = true
		t.log.Info().Str("session", s.id).Str("rule", r.ID).Int("score", r.Score).Msg("rule fired")
	}, func(r *config.Rule, err error) {
		t.log.Error().Err(err).Str("rule", r.ID).Msg("rule failed; counted as not matching")
	})
	s.inputs.Add(env, newly)
	a := s.policy.Alerts
	level := s.policy.Level(s.score)
	prev := s.level
	if level.Rank() > s.level.Rank() {
		s.level = level
	}
	defer t.askNext(now)
	if s.level == wire.LevelNone {
		return
	}
	// The hold and a new alert are saved with the session before either
	// leaves: an agent killed once the controller has the HOLD, or the
	// broker the alert, restores both (CONTRACT §14).
	hold := wire.RiskHold(s.level)
	held := a.HoldLevel != config.HoldLevelNone && s.level.Rank() >= wire.Level(a.HoldLevel).Rank() && !s.cleared && t.addHold(hold)
	raised := s.alertID == ""
	if raised {
		t.newRiskAlert()
	}
	if held || raised {
		t.persist(now)
	}
	if held {
		t.sendHold(hold)
	}
	if raised {
		t.announceRisk(now)
	} else if s.level != s.alertLevel || len(s.firedRules()) != s.alertReasons {
		t.publishUpdate(now)
	}
	if s.level != prev {
		t.adviseLevel(wire.AdviceFor(s.level))
	}
}
