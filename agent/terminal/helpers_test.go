package terminal

import (
	"github.com/transferguard/transferguard/agent/agenttest"
	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/pan"
	"github.com/transferguard/transferguard/agent/scenario"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
)

// setList is a plain watchlist for tests; agent/watchlist is the real one.
type setList map[string]bool

func (s setList) HasAccount(n string) bool { return s["a"+pan.Digits(n)] }
func (s setList) HasPhone(n string) bool   { return s["p"+pan.Digits(n)] }

func listOf(w config.WatchlistConfig) setList {
	s := setList{}
	for _, a := range w.Accounts {
		s["a"+pan.Digits(a)] = true
	}
	for _, p := range w.Phones {
		s["p"+pan.Digits(p)] = true
	}
	return s
}

func toFrame(e agenttest.Event) frame.Frame {
	f := frame.Frame{Type: wire.FrameType(e.Type)}
	for k, v := range e.Fields {
		f.Fields = append(f.Fields, frame.Field{Key: k, Value: v})
	}
	return f
}

type screenT = screen.Screen
type messageT = envelope.Message
type scenarioStep = scenario.Step
