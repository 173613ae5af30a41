package corpus

import (
	"fmt"
	"strings"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/wire"
)

// Rate is how often a group of sessions raised an alert.
type Rate struct {
	Sessions, Any, High int
}

func (r *Rate) add(l wire.Level) {
	r.Sessions++
	if l.Rank() >= wire.LevelMedium.Rank() {
		r.Any++
	}
	if l == wire.LevelHigh {
		r.High++
	}
}

// AnyPct and HighPct are the shares in percent.
func (r Rate) AnyPct() float64  { return pct(r.Any, r.Sessions) }
func (r Rate) HighPct() float64 { return pct(r.High, r.Sessions) }

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return 100 * float64(n) / float64(d)
}

// Table is the efficacy of one policy over the corpus.
type Table struct {
	ByType          map[string]*Rate
	Scams, Ordinary Rate
}

// Tabulate groups results by type and by scam/ordinary.
func Tabulate(results []Result) Table {
	t := Table{ByType: map[string]*Rate{}}
	for _, r := range results {
		rt := t.ByType[r.Session.Type]
		if rt == nil {
			rt = &Rate{}
			t.ByType[r.Session.Type] = rt
		}
		rt.add(r.Level)
		if r.Session.Scam() {
			t.Scams.add(r.Level)
		} else {
			t.Ordinary.add(r.Level)
		}
	}
	return t
}

// Markdown renders the table in profile order, as docs/efficacy.md and
// the committed golden show it.
func (t Table) Markdown() string {
	var b strings.Builder
	b.WriteString("| sessions | n | any alert | high alert |\n|---|---:|---:|---:|\n")
	row := func(label string, r Rate) {
		fmt.Fprintf(&b, "| %s | %d | %.1f %% | %.1f %% |\n", label, r.Sessions, r.AnyPct(), r.HighPct())
	}
	for _, p := range profiles {
		if r := t.ByType[p.Name]; r != nil {
			row(p.Label, *r)
		}
		if p.Name == "scam-romance" {
			row("**all scams**", t.Scams)
		}
	}
	row("**all ordinary**", t.Ordinary)
	return b.String()
}

// Goals are the targets of issue 16, checked by Meets.
const (
	GoalScamAny      = 90.0
	GoalScamHigh     = 70.0
	GoalOrdinaryAny  = 5.0
	GoalOrdinaryHigh = 1.0
)

// Meets reports whether the table reaches every goal.
func (t Table) Meets() bool {
	return t.Scams.AnyPct() >= GoalScamAny && t.Scams.HighPct() >= GoalScamHigh &&
		t.Ordinary.AnyPct() <= GoalOrdinaryAny && t.Ordinary.HighPct() <= GoalOrdinaryHigh
}

// Contributions plays the corpus once per enabled rule with that rule
// switched off, and renders what each rule adds to the four rates: the
// drop in percentage points when it is gone.
func Contributions(layers []map[string]any, sessions []Session) (string, error) {
	base, err := config.Build(layers...)
	if err != nil {
		return "", err
	}
	all := Tabulate(Play(base, sessions))
	var b strings.Builder
	b.WriteString("| rule off | scams any | scams high | ordinary any | ordinary high |\n|---|---:|---:|---:|---:|\n")
	for _, r := range base.OrderedRules() {
		off := map[string]any{"rules": map[string]any{r.ID: map[string]any{"enabled": false}}}
		p, err := config.Build(append(layers, off)...)
		if err != nil {
			return "", err
		}
		t := Tabulate(Play(p, sessions))
		fmt.Fprintf(&b, "| `%s` | %+.1f | %+.1f | %+.1f | %+.1f |\n", r.ID,
			t.Scams.AnyPct()-all.Scams.AnyPct(), t.Scams.HighPct()-all.Scams.HighPct(),
			t.Ordinary.AnyPct()-all.Ordinary.AnyPct(), t.Ordinary.HighPct()-all.Ordinary.HighPct())
	}
	return b.String(), nil
}
