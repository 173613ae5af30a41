package backtest

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/transferguard/transferguard/agent/wire"
)

// Level names in a report: the record's "" is "none".
const (
	levelNone   = "none"
	levelMedium = string(wire.LevelMedium)
	levelHigh   = string(wire.LevelHigh)
)

func name(l wire.Level) string {
	if l == wire.LevelNone {
		return levelNone
	}
	return string(l)
}

// Report is the outcome of a backtest, in the JSON form of CONTRACT §13
// with additions: what the candidate would have missed and newly raised,
// records that could not be replayed, and guard walks per day.
type Report struct {
	Sessions  int            `json:"sessions"`
	Baseline  map[string]int `json:"baseline"`
	Candidate map[string]int `json:"candidate"`
	Changed   []Change       `json:"changed"`
	// Missed are recorded alerts the candidate would not raise; with
	// tgdispatch's export each carries its incident's outcome.
	Missed []Change `json:"missed"`
	// New are sessions the candidate would alert on and the record did not.
	New []Change `json:"new"`
	// OutOfScope records are at sites or terminals the document does not
	// reach; NoInputs records carry no inputs (agents before v1.1) and
	// keep their baseline; Truncated records had snapshots left out by the
	// bound (their replay may differ for rules that would fire late).
	OutOfScope int `json:"out_of_scope"`
	NoInputs   int `json:"no_inputs"`
	Truncated  int `json:"truncated"`
	// Days is the number of distinct days (UTC) the sessions started on;
	// WalksPerDay the alerts (medium or high: each sends a guard) per day.
	Days        int   `json:"days"`
	WalksPerDay Walks `json:"walks_per_day"`
	days        map[int64]bool
}

// Walks is the estimated guard walks per day before and after.
type Walks struct {
	Baseline  float64 `json:"baseline"`
	Candidate float64 `json:"candidate"`
}

// Change is one session whose level or fired rules differ.
type Change struct {
	Session       string   `json:"session"`
	Site          string   `json:"site"`
	Terminal      string   `json:"terminal"`
	Baseline      string   `json:"baseline"`
	Candidate     string   `json:"candidate"`
	Rules         []string `json:"rules"`
	BaselineRules []string `json:"baseline_rules"`
	AlertID       string   `json:"alert_id,omitempty"`
	Outcome       string   `json:"outcome,omitempty"`
}

func newReport() *Report {
	zero := func() map[string]int { return map[string]int{levelNone: 0, levelMedium: 0, levelHigh: 0} }
	return &Report{Baseline: zero(), Candidate: zero(), Changed: []Change{}, Missed: []Change{}, New: []Change{},
		days: map[int64]bool{}}
}

func (rep *Report) day(t time.Time) {
	if !t.IsZero() {
		rep.days[t.UTC().Unix()/86400] = true
	}
}

func (rep *Report) finish() {
	rep.Days = max(len(rep.days), 1)
	walks := func(m map[string]int) float64 {
		return float64(m[levelMedium]+m[levelHigh]) / float64(rep.Days)
	}
	rep.WalksPerDay = Walks{Baseline: walks(rep.Baseline), Candidate: walks(rep.Candidate)}
}

// WriteText prints the report for a reader: alerts per level side by
// side, then every changed session, the missed incidents and new alerts.
func (rep *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "sessions %d over %d day(s)", rep.Sessions, rep.Days)
	if rep.OutOfScope > 0 {
		fmt.Fprintf(&b, " (%d outside the document's scope not replayed)", rep.OutOfScope)
	}
	b.WriteString("\n\nlevel     baseline  candidate\n")
	for _, l := range []string{levelNone, levelMedium, levelHigh} {
		fmt.Fprintf(&b, "%-8s  %8d  %9d\n", l, rep.Baseline[l], rep.Candidate[l])
	}
	fmt.Fprintf(&b, "walks/day %8.1f  %9.1f\n", rep.WalksPerDay.Baseline, rep.WalksPerDay.Candidate)
	if rep.NoInputs > 0 || rep.Truncated > 0 {
		fmt.Fprintf(&b, "\n%d record(s) without inputs kept their level; %d had snapshots left out\n", rep.NoInputs, rep.Truncated)
	}
	section(&b, "changed", rep.Changed)
	section(&b, "missed (recorded alerts the candidate would not raise)", rep.Missed)
	section(&b, "new alerts", rep.New)
	_, err := io.WriteString(w, b.String())
	return err
}

func section(b *strings.Builder, title string, list []Change) {
	fmt.Fprintf(b, "\n%s: %d\n", title, len(list))
	for _, c := range list {
		fmt.Fprintf(b, "  %s %s/%s %s → %s  rules: %s", c.Session, c.Site, c.Terminal, c.Baseline, c.Candidate,
			orDash(strings.Join(c.Rules, ",")))
		if c.Outcome != "" {
			fmt.Fprintf(b, "  outcome: %s", c.Outcome)
		}
		b.WriteString("\n")
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
