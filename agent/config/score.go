package config

import (
	"github.com/transferguard/transferguard/agent/rules"
	"github.com/transferguard/transferguard/agent/wire"
)

// Score evaluates, over env, every enabled rule not fired yet and marks
// those that match in fired: a rule that fired once stays fired for the
// session. It returns the sum of the fired rules' scores, capped at 100.
// onFire, if set, is told of each rule that fires now; onErr, if set, of
// a rule that fails at run time, which counts as not matching. The
// terminal and the backtest both score through here, so a replay decides
// exactly as the terminal did.
func (p *Policy) Score(env *rules.Env, fired map[string]bool, onFire func(*Rule), onErr func(*Rule, error)) int {
	return p.score(env, fired, nil, onFire, onErr)
}

// ScoreIf is Score that evaluates a rule not fired yet only when need,
// given the rule's index in OrderedRules, says so: agent/backtest knows
// a rule none of whose variables changed since it last did not match
// would not match now, and skips it.
func (p *Policy) ScoreIf(env *rules.Env, fired map[string]bool, need func(i int) bool) int {
	return p.score(env, fired, need, nil, nil)
}

func (p *Policy) score(env *rules.Env, fired map[string]bool, need func(i int) bool, onFire func(*Rule),
	onErr func(*Rule, error)) int {
	score := 0
	for i, r := range p.ordered {
		on := fired[r.ID]
		if !on && (need == nil || need(i)) {
			ok, err := r.prog.Match(env)
			if err != nil && onErr != nil {
				onErr(r, err)
			}
			if ok {
				fired[r.ID], on = true, true
				if onFire != nil {
					onFire(r)
				}
			}
		}
		if on {
			score += r.Score
		}
	}
	return min(score, 100)
}

// Level is the alert level a score reaches under the policy's thresholds.
func (p *Policy) Level(score int) wire.Level {
	switch {
	case score >= p.Alerts.High:
		return wire.LevelHigh
	case score >= p.Alerts.Medium:
		return wire.LevelMedium
	}
	return wire.LevelNone
}
