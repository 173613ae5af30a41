package terminal

import (
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/rules"
)

// BenchmarkTransferSession measures the core's cost of a whole transfer
// session (START … END, 7 frames with rule evaluation, screens and alert
// messages), without I/O.
func BenchmarkTransferSession(b *testing.B) {
	h := newHarness(b)
	h.rec = nil
	sink := discard{}
	h.term.o.Controller, h.term.o.Display, h.term.o.Publisher = sink, sink, sink
	frames := []frame.Frame{
		frame.New("START", "channel", "ATM", "card", "6222021234563445", "age", "67", "lang", "zh"),
		frame.New("FUNC", "fn", "TRANSFER"),
		frame.New("PAYEE", "acct", "6217001234567890123", "new", "1"),
		frame.New("AMOUNT", "minor", "600000", "cur", "CNY"),
		frame.New("SENSOR", "kind", "PHONE_CALL", "state", "ON"),
		frame.New("CONFIRM"),
		frame.New("END"),
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range frames {
			h.term.HandleFrame(f)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(frames)), "ns/frame")
}

// BenchmarkRuleEvaluation measures one evaluation of every default rule
// over a session, the work done on each session frame. The CONTRACT §9
// inputs are set so that split-below-threshold and coached-by-phone run
// their whole conditions.
func BenchmarkRuleEvaluation(b *testing.B) {
	h := newHarness(b)
	h.term.HandleFrame(frame.New("START", "age", "45"))
	s := h.term.sess
	s.fn, s.amountMinor, s.currency = "TRANSFER", 490000, "CNY"
	s.pauseS, s.phoneOnAt = 90, h.clk.Now().Add(-2*time.Minute)
	s.card24h = rules.CardHistory{Transfers: 2, AmountMinor: 980000, MinMinor: 490000, MaxMinor: 490000}
	env := s.env(h.clk.Now())
	rules := s.policy.OrderedRules()
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range rules {
			_, _ = r.Program().Match(env)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/evaluation")
}

type discard struct{}

func (discard) Send(frame.Frame)       {}
func (discard) Show(screenT)           {}
func (discard) Publish(messageT) error { return nil }
