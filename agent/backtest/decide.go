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
	"slices"

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
	return newReader().decide(p, ruleInputs(p), snapshots)
}

// decide is Decide with the reader's scratch. A rule is evaluated at the
// first snapshot and then only at a snapshot that changes one of its
// inputs (masks, from ruleInputs): over the same inputs it would not
// match again, so skipping it decides the same, with about a third of
// the evaluations.
func (rd *reader) decide(p *config.Policy, masks []uint32, snapshots []json.RawMessage) (Decision, error) {
	fired := rd.fired
	clear(fired)
	var d Decision
	first := true
	need := func(i int) bool { return first || masks[i]&rd.changed != 0 }
	err := rd.replay(snapshots, func(env *rules.Env) {
		d.Score = p.ScoreIf(env, fired, need)
		first = false
		if l := p.Level(d.Score); l.Rank() > d.Level.Rank() {
			d.Level = l
		}
	})
	if err != nil {
		return Decision{}, fmt.Errorf("backtest: %w", err)
	}
	for _, r := range p.OrderedRules() {
		if fired[r.ID] {
			d.Rules = append(d.Rules, r.ID)
		}
	}
	return d, nil
}

// ruleInputs gives, for each rule of p in order, the inputs its condition
// reads as bits of inputKeys (reader.changed's bits); a rule that may
// read anything (rules.Program.Vars cannot tell) has every bit.
func ruleInputs(p *config.Policy) []uint32 {
	out := make([]uint32, len(p.OrderedRules()))
	for n, r := range p.OrderedRules() {
		out[n] = ^uint32(0)
		if r.Program() == nil {
			continue
		}
		vars, ok := r.Program().Vars()
		if !ok {
			continue
		}
		m := uint32(0)
		for _, v := range vars {
			i := slices.Index(inputKeys, v)
			if i < 0 {
				m = ^uint32(0)
				break
			}
			m |= 1 << i
		}
		out[n] = m
	}
	return out
}
