package terminal

import (
	"testing"

	"github.com/transferguard/transferguard/agent/frame"
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
// over a session, the work done on each session frame.
func BenchmarkRuleEvaluation(b *testing.B) {
	h := newHarness(b)
	h.term.HandleFrame(frame.New("START", "age", "45"))
	s := h.term.sess
	s.fn, s.amountMinor = "TRANSFER", 100000
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
