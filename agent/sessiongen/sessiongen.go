// Package sessiongen plays generated customer sessions through the real
// core (agent/terminal) on a fake clock and collects what it publishes:
// session records whose rule inputs are real, and the alerts. Backtest and
// dispatch tests and benchmarks seed themselves from it, so what they
// replay is what a terminal would have recorded. The same seed gives the
// same sessions, ids and times.
package sessiongen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/terminal"
	"github.com/transferguard/transferguard/agent/wire"
)

// Plan is one generated session, as the customer and the terminal did it.
type Plan struct {
	Site, Terminal string
	Age            int
	Fn             wire.Function
	AmountMinor    int64
	PayeeNew       bool
	PayeeListed    bool
	Phone          bool   // a phone call during the session
	Choice         string // continue, stop, help on the transfer warning
}

// Session is a plan with what the core published for it.
type Session struct {
	Plan
	Record *envelope.SessionRecord // nil when the session showed no warning and raised nothing
	Alerts []envelope.Alert        // every alert and alert_update, in order
}

// Options says what to generate.
type Options struct {
	Seed     uint64
	Start    time.Time // the first session's start; sessions spread evenly over Days
	Days     int
	Sessions int
	Sites    []string // each site has Terminals terminals T1…Tn
	// Terminals per site; 2 when zero.
	Terminals int
	Policy    *config.Policy // the shipped defaults when nil
}

// Listed is the payee account the generated watchlist holds.
const Listed = "6217001234567890123"

// Generate plays o.Sessions sessions and calls fn with each, in order.
func Generate(o Options, fn func(Session) error) error {
	if o.Policy == nil {
		p, err := config.Build(config.Defaults())
		if err != nil {
			return fmt.Errorf("sessiongen: defaults: %w", err)
		}
		o.Policy = p
	}
	if o.Terminals == 0 {
		o.Terminals = 2
	}
	if len(o.Sites) == 0 || o.Days <= 0 || o.Sessions <= 0 {
		return fmt.Errorf("sessiongen: want sites, days and sessions")
	}
	g := newGen(o)
	step := time.Duration(o.Days) * 24 * time.Hour / time.Duration(o.Sessions)
	for i := range o.Sessions {
		p := g.plan(i)
		t := g.terminal(p.Site, p.Terminal)
		t.idle(o.Start.Add(time.Duration(i) * step))
		s, err := t.play(p)
		if err != nil {
			return err
		}
		if err := fn(s); err != nil {
			return err
		}
	}
	return nil
}

type gen struct {
	o     Options
	rnd   *rand.Rand
	terms map[string]*term
	ids   int
}

func newGen(o Options) *gen {
	return &gen{o: o, rnd: rand.New(rand.NewPCG(o.Seed, 0x7467)), terms: map[string]*term{}}
}

// plan draws one session: mostly ordinary transfers and withdrawals, some
// elderly customers moving thousands, a few phone calls, a listed payee
// now and then.
func (g *gen) plan(i int) Plan {
	r := g.rnd
	p := Plan{Site: g.o.Sites[r.IntN(len(g.o.Sites))], Terminal: "T" + strconv.Itoa(1+r.IntN(g.o.Terminals)),
		Age: 20 + r.IntN(66), Fn: wire.FnTransfer, Choice: screen.ChoiceContinue}
	if r.IntN(4) == 0 {
		p.Fn = wire.FnWithdraw
	}
	p.AmountMinor = int64(100+r.IntN(99)) * 100 * int64(1+r.IntN(60)) // 100 … 5,880 yuan steps
	if r.IntN(20) == 0 {
		p.AmountMinor *= 10
	}
	p.PayeeNew = r.IntN(3) == 0
	p.PayeeListed = r.IntN(100) == 0
	p.Phone = r.IntN(25) == 0
	switch r.IntN(10) {
	case 0:
		p.Choice = screen.ChoiceStop
	case 1:
		if r.IntN(3) == 0 {
			p.Choice = screen.ChoiceHelp
		}
	}
	return p
}

// term is one simulated terminal with its own clock.
type term struct {
	t       *terminal.Terminal
	clk     *clock.Fake
	out     *sink
	helpKey string
}

func (g *gen) terminal(site, id string) *term {
	key := site + "/" + id
	if t, ok := g.terms[key]; ok {
		return t
	}
	clk := clock.NewFake(g.o.Start)
	out := &sink{}
	tm := terminal.New(terminal.Options{
		Site: site, Terminal: id, Policy: g.o.Policy, Watchlist: list{}, Clock: clk,
		Controller: out, Display: out, Publisher: out, Status: out, Log: zerolog.Nop(),
		IDs: func() string { g.ids++; return fmt.Sprintf("%s-%s-%08d", site, id, g.ids) },
	})
	t := &term{t: tm, clk: clk, out: out, helpKey: g.o.Policy.HelpKey}
	g.terms[key] = t
	return t
}

// sink keeps what the core publishes; frames and screens are dropped.
type sink struct{ msgs []envelope.Message }

func (s *sink) Send(frame.Frame)                 {}
func (s *sink) Show(screen.Screen)               {}
func (s *sink) SetLink(bool)                     {}
func (s *sink) Publish(m envelope.Message) error { s.msgs = append(s.msgs, m); return nil }

type list struct{}

func (list) HasAccount(n string) bool { return n == Listed }
func (list) HasPhone(string) bool     { return false }

// collect turns what was published during a session into a Session.
func (s *sink) collect(p Plan) (Session, error) {
	out := Session{Plan: p}
	for _, m := range s.msgs {
		switch m.Topic {
		case wire.TopicSession:
			var r envelope.SessionRecord
			if err := json.Unmarshal(m.Payload, &r); err != nil {
				return out, fmt.Errorf("sessiongen: record: %w", err)
			}
			out.Record = &r
		case wire.TopicAlert:
			var a envelope.Alert
			if err := json.Unmarshal(m.Payload, &a); err != nil {
				return out, fmt.Errorf("sessiongen: alert: %w", err)
			}
			out.Alerts = append(out.Alerts, a)
		}
	}
	s.msgs = s.msgs[:0]
	return out, nil
}
