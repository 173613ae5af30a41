package backtest

import (
	"encoding/json"
	"time"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

// Candidate is a configuration document applied over the shipped
// defaults, as a terminal in the document's scope would build it.
type Candidate struct {
	Policy *config.Policy
	Doc    config.Document
}

// Load parses a configuration document (JSON, as tgctl sign takes it
// after YAML conversion) and builds it over the shipped defaults with
// agent/config's own Build. An invalid document returns the
// *config.ValidationError that lists every problem.
func Load(doc []byte) (*Candidate, error) {
	d, err := config.ParseDocument(doc)
	if err != nil {
		return nil, err
	}
	p, err := config.Build(config.Defaults(), d.Body)
	if err != nil {
		return nil, err
	}
	return &Candidate{Policy: p, Doc: d}, nil
}

// Covers reports whether the candidate's scope reaches site/terminal.
func (c *Candidate) Covers(site, terminal string) bool {
	switch c.Doc.Scope {
	case config.ScopeSite:
		return site == c.Doc.Site
	case config.ScopeTerminal:
		return site == c.Doc.Site && terminal == c.Doc.Terminal
	}
	return true
}

// Record is the part of a session record (envelope.SessionRecord, one
// JSON object a line) a backtest reads. Outcome is present when the
// records come from tgdispatch's export: how the session's incident was
// resolved.
type Record struct {
	Session       string            `json:"session"`
	Site          string            `json:"site"`
	Terminal      string            `json:"terminal"`
	Started       envelope.Time     `json:"started"`
	AlertID       string            `json:"alert_id"`
	Level         wire.Level        `json:"level"`
	Score         int               `json:"score"`
	Rules         []string          `json:"rules"`
	Inputs        []json.RawMessage `json:"inputs"`
	InputsDropped int               `json:"inputs_dropped"`
	Outcome       string            `json:"outcome"`
}

// maxLine bounds one record line: 64 snapshots of a few hundred bytes
// and the screens fit with room to spare.
const maxLine = 4 << 20

// add counts one replayed record. A record outside the candidate's
// scope, or one without inputs (an agent before v1.1), keeps its baseline
// level and is counted apart.
func (rep *Report) add(x *replayed, c *Candidate) {
	rec, d := &x.rec, x.d
	if !c.Covers(rec.Site, rec.Terminal) {
		rep.OutOfScope++
		return
	}
	rep.Sessions++
	rep.day(time.Time(rec.Started))
	base := name(rec.Level)
	rep.Baseline[base]++
	if !x.hadInputs {
		rep.NoInputs++
		rep.Candidate[base]++
		return
	}
	if rec.InputsDropped > 0 {
		rep.Truncated++
	}
	cand := name(d.Level)
	rep.Candidate[cand]++
	if cand == base && sameRules(d.Rules, rec.Rules) {
		return
	}
	ch := Change{Session: rec.Session, Site: rec.Site, Terminal: rec.Terminal, Baseline: base, Candidate: cand,
		Rules: nonNil(d.Rules), BaselineRules: nonNil(rec.Rules), AlertID: rec.AlertID, Outcome: rec.Outcome}
	rep.Changed = append(rep.Changed, ch)
	switch {
	case base != levelNone && cand == levelNone:
		rep.Missed = append(rep.Missed, ch)
	case base == levelNone && cand != levelNone:
		rep.New = append(rep.New, ch)
	}
}

func sameRules(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
