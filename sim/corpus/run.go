package corpus

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/agenttest"
	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/scenario"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/terminal"
	"github.com/transferguard/transferguard/agent/watchlist"
	"github.com/transferguard/transferguard/agent/wire"
)

// Session is one scripted session of the corpus.
type Session struct {
	ID    string
	Type  string // the file stem: scam-police, ordinary-withdraw, …
	Steps []scenario.Step
}

// Scam reports whether the session is a scam victim's.
func (s Session) Scam() bool { return strings.HasPrefix(s.Type, "scam-") }

// Result is what the core did with one session.
type Result struct {
	Session Session
	Level   wire.Level
	Rules   []string // rules that fired
}

// Load reads every corpus file in dir and the watchlist layer.
func Load(dir string) ([]Session, map[string]any, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		return nil, nil, fmt.Errorf("corpus: no *.txt in %s", dir)
	}
	sort.Strings(files)
	var out []Session
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, fmt.Errorf("corpus: %w", err)
		}
		ss, err := Split(strings.TrimSuffix(filepath.Base(f), ".txt"), b)
		if err != nil {
			return nil, nil, fmt.Errorf("corpus: %s: %w", f, err)
		}
		out = append(out, ss...)
	}
	wb, err := os.ReadFile(filepath.Join(dir, "policy.yaml"))
	if err != nil {
		return nil, nil, fmt.Errorf("corpus: %w", err)
	}
	layer, err := config.ParseYAML(wb)
	if err != nil {
		return nil, nil, fmt.Errorf("corpus: policy.yaml: %w", err)
	}
	return out, layer, nil
}

// Split cuts one corpus file into its sessions at each SessionMark line.
func Split(typ string, b []byte) ([]Session, error) {
	var out []Session
	for _, part := range bytes.Split(b, []byte("\n"+SessionMark+" "))[1:] {
		id, body, _ := bytes.Cut(part, []byte("\n"))
		steps, err := scenario.Parse(body)
		if err != nil {
			return nil, fmt.Errorf("session %s: %w", id, err)
		}
		out = append(out, Session{ID: string(id), Type: typ, Steps: steps})
	}
	return out, nil
}

// epoch is a weekday morning in Beijing, as the scenario tests use.
var epoch = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

// Play runs every session through a fresh core with policy p and the
// watchlist of p's watchlist section.
func Play(p *config.Policy, sessions []Session) []Result {
	list := watchlist.New(p.Watchlist.Accounts, p.Watchlist.Phones)
	out := make([]Result, 0, len(sessions))
	for _, s := range sessions {
		out = append(out, playOne(p, list, s))
	}
	return out
}

func playOne(p *config.Policy, list terminal.Watchlist, s Session) Result {
	clk, rec := clock.NewFake(epoch), &agenttest.Recorder{}
	n := 0
	term := terminal.New(terminal.Options{Site: "S1", Terminal: "T1", Policy: p, Watchlist: list,
		Clock: clk, Controller: rec, Display: rec, Publisher: rec, Status: rec, Log: zerolog.Nop(),
		IDs: func() string { n++; return fmt.Sprintf("ID%04d", n) }})
	var seq uint16
	for _, st := range s.Steps {
		advance(clk, term, st.Delay)
		switch st.Kind {
		case scenario.Send:
			f := st.Frame
			f.Seq, seq = seq, seq+1
			term.HandleFrame(f)
		case scenario.Touch:
			term.HandleInput(screen.FromDisplay{Type: screen.MsgInput, Source: screen.SourceTouch,
				Choice: st.Choice, Seq: term.Screen().Seq})
		}
	}
	return result(s, rec)
}

// advance moves the clock by d, ticking at every deadline on the way.
// Link supervision does not matter here: the corpus measures risk.
func advance(clk *clock.Fake, term *terminal.Terminal, d time.Duration) {
	end := clk.Now().Add(d)
	for next := term.NextDeadline(); !next.After(end); next = term.NextDeadline() {
		if next.After(clk.Now()) {
			clk.Advance(next.Sub(clk.Now()))
		}
		term.Tick()
		if !term.NextDeadline().After(clk.Now()) {
			break
		}
	}
	clk.Advance(end.Sub(clk.Now()))
	term.Tick()
}

// result reads the session's highest risk level from its alerts and the
// rules that fired from its record.
func result(s Session, rec *agenttest.Recorder) Result {
	r := Result{Session: s}
	for _, m := range rec.Messages(wire.TopicAlert) {
		if m["kind"] != string(wire.KindRisk) {
			continue
		}
		if l := wire.Level(fmt.Sprint(m["level"])); l.Rank() > r.Level.Rank() {
			r.Level = l
		}
	}
	for _, m := range rec.Messages(wire.TopicSession) {
		if rules, ok := m["rules"].([]any); ok {
			for _, x := range rules {
				r.Rules = append(r.Rules, fmt.Sprint(x))
			}
		}
	}
	return r
}
