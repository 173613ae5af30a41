package terminal

import (
	"github.com/transferguard/transferguard/agent/agenttest"
	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/scenario"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/watchlist"
	"github.com/transferguard/transferguard/agent/wire"
)

// listOf is the real watchlist (agent/watchlist) of a policy's local
// entries, so scenarios see the same number normalisation as the agent.
func listOf(w config.WatchlistConfig) *watchlist.List {
	return watchlist.New(w.Accounts, w.Phones)
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
