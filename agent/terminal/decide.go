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
	score, newly := 0, false
	for _, r := range s.policy.OrderedRules() {
		if !s.fired[r.ID] {
			ok, err := r.Program().Match(env)
			if err != nil {
				t.log.Error().Err(err).Str("rule", r.ID).Msg("rule failed; counted as not matching")
			}
			if ok {
				s.fired[r.ID], newly = true, true
				t.log.Info().Str("session", s.id).Str("rule", r.ID).Int("score", r.Score).Msg("rule fired")
			}
		}
		if s.fired[r.ID] {
			score += r.Score
		}
	}
	s.inputs.Add(env, newly)
	s.score = min(score, 100)
	a := s.policy.Alerts
	level := wire.LevelNone
	switch {
	case s.score >= a.High:
		level = wire.LevelHigh
	case s.score >= a.Medium:
		level = wire.LevelMedium
	}
	prev := s.level
	if level.Rank() > s.level.Rank() {
		s.level = level
	}
	defer t.askNext(now)
	if s.level == wire.LevelNone {
		return
	}
	if hl := a.HoldLevel; hl != config.HoldLevelNone && s.level.Rank() >= wire.Level(hl).Rank() && !s.cleared {
		t.hold(wire.RiskHold(s.level))
	}
	if s.alertID == "" {
		t.raiseRisk(now)
	} else if s.level != s.alertLevel || len(s.firedRules()) != s.alertReasons {
		t.publishUpdate(now)
	}
	if s.level != prev {
		t.adviseLevel(wire.AdviceFor(s.level))
	}
}
