// Package backtest replays recorded sessions under a candidate policy
// (CONTRACT §13): each session record carries the rule inputs it was
// decided on (agent/rules.Trace), and evaluating the candidate's rules over
// them, fired rules sticky and the level only rising as in
// agent/terminal's evaluate, says what the candidate would have done.
// A candidate equal to what was in force reproduces every record.
//
// It is pure: records come from an io.Reader (streamed, so a million
// sessions do not sit in memory), the candidate from agent/config's own
// Build, and nothing reads a clock.
package backtest

import (
	"encoding/json"
	"fmt"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/rules"
	"github.com/transferguard/transferguard/agent/wire"
)

// Decision is what a policy made of one session's inputs.
type Decision struct {
	Level wire.Level
	Score int
	Rules []string // fired rules, in the policy's order
}

// Decide evaluates p over a session's snapshots in order the way the
// terminal does at each evaluation: a rule that matched once stays fired,
// the score is the sum of fired rules' scores capped at 100, and the
// level is the highest reached. A rule that fails at run time counts as
// not matching, as on the terminal.
func Decide(p *config.Policy, snapshots []json.RawMessage) (Decision, error) {
	ordered := p.OrderedRules()
	fired := make([]bool, len(ordered))
	var d Decision
	err := rules.Replay(snapshots, func(env *rules.Env) {
		score := 0
		for i, r := range ordered {
			if !fired[i] {
				if ok, _ := r.Program().Match(env); ok {
					fired[i] = true
				}
			}
			if fired[i] {
				score += r.Score
			}
		}
		d.Score = min(score, 100)
		if l := levelOf(p, d.Score); l.Rank() > d.Level.Rank() {
			d.Level = l
		}
	})
	if err != nil {
		return Decision{}, fmt.Errorf("backtest: %w", err)
	}
	for i, r := range ordered {
		if fired[i] {
			d.Rules = append(d.Rules, r.ID)
		}
	}
	return d, nil
}

func levelOf(p *config.Policy, score int) wire.Level {
	switch {
	case score >= p.Alerts.High:
		return wire.LevelHigh
	case score >= p.Alerts.Medium:
		return wire.LevelMedium
	}
	return wire.LevelNone
}
