package dispatchauth_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/agenttest"
	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/dispatchauth"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/scenario"
	"github.com/transferguard/transferguard/agent/terminal"
	"github.com/transferguard/transferguard/agent/wire"
)

type noList struct{}

func (noList) HasAccount(string) bool { return false }
func (noList) HasPhone(string) bool   { return false }

// held is terminal S1/T1 holding a transfer for a high-risk alert, behind
// the dispatch gate, as tgagent wires them.
type held struct {
	*fixture
	rec     *agenttest.Recorder
	term    *terminal.Terminal
	gate    *dispatchauth.Gate
	alertID string
}

func newHeld(t *testing.T, trusted bool) *held {
	t.Helper()
	h := &held{fixture: newFixture(t, trusted), rec: &agenttest.Recorder{}}
	p, err := config.Build(config.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	h.term = terminal.New(terminal.Options{Site: "S1", Terminal: "T1", Policy: p, Watchlist: noList{},
		Clock: h.clk, Controller: h.rec, Display: h.rec, Publisher: h.rec, Status: h.rec, Log: zerolog.Nop(),
		IDs: func() string { n++; return fmt.Sprintf("ID%04d", n) }})
	h.gate = dispatchauth.NewGate(h.v, zerolog.Nop())
	for i, l := range []string{"START age=67 card=6222021234563445 lang=zh", "SENSOR kind=PHONE_CALL state=ON", "FUNC fn=TRANSFER", "PAYEE acct=6217001234567890123 new=1", "AMOUNT minor=2000000 cur=CNY"} {
		st, err := scenario.ParseLine(l)
		if err != nil {
			t.Fatal(err)
		}
		st.Frame.Seq = uint16(i)
		h.term.HandleFrame(st.Frame)
	}
	alerts := h.rec.Messages(wire.TopicAlert)
	if len(alerts) != 1 || len(h.rec.Frames("HOLD")) == 0 {
		t.Fatalf("setup: %d alerts, %d HOLD; want one high alert holding the transfer", len(alerts), len(h.rec.Frames("HOLD")))
	}
	h.alertID = alerts[0]["alert_id"].(string)
	return h
}

// deliver passes raw through the gate to the core, as tgagent does.
func (h *held) deliver(raw []byte) bool {
	d, ok := h.gate.Check(envelope.Dispatch{Signed: string(raw)})
	if ok {
		h.term.HandleDispatch(d)
	}
	return ok
}

// stillHeld fails unless the HOLD stands: no RELEASE to the controller and
// no alert_update saying held:false.
func (h *held) stillHeld(t *testing.T) {
	t.Helper()
	if n := len(h.rec.Frames("RELEASE")); n != 0 {
		t.Fatalf("RELEASE sent %d times: the HOLD was lifted", n)
	}
	for _, m := range h.rec.Messages(wire.TopicAlert) {
		if m["held"] == false {
			b, _ := json.Marshal(m)
			t.Fatalf("alert says held:false: %s", b)
		}
	}
}

// Issue 8: nothing but a fresh dispatch signed by a trusted key, for this
// terminal and seen for the first time, lifts a fraud HOLD.
func TestOnlySignedResolvedLiftsHold(t *testing.T) {
	h := newHeld(t, true)
	good := h.resolved(h.alertID)
	elsewhere := good
	elsewhere.Terminal = "T2"
	old := good
	old.TS = envelope.Time(h.clk.Now().Add(-6 * time.Minute))
	for name, raw := range map[string][]byte{
		"forged unsigned":  []byte(`{"alert_id":"` + h.alertID + `","state":"resolved","guard":"evil"}`),
		"untrusted key":    sign(t, good, h.stranger),
		"another terminal": sign(t, elsewhere, h.console),
		"stale":            sign(t, old, h.console),
	} {
		if h.deliver(raw) {
			t.Errorf("%s: passed the gate", name)
		}
		h.stillHeld(t)
	}

	if !h.deliver(sign(t, good, h.console)) {
		t.Fatal("a properly signed resolved was refused")
	}
	if n := len(h.rec.Frames("RELEASE")); n != 1 {
		t.Fatalf("RELEASE frames = %d after a signed resolved, want 1", n)
	}
}

// A signed "resolved" captured off the broker and sent again later for
// the next alert on the same terminal releases nothing: replays are
// refused even inside the five minutes.
func TestReplayedResolvedKeepsHold(t *testing.T) {
	h := newHeld(t, true)
	claimed := h.resolved(h.alertID)
	claimed.State = wire.DispatchClaimed
	raw := sign(t, claimed, h.console)
	if !h.deliver(raw) {
		t.Fatal("signed claimed refused")
	}
	if h.deliver(raw) {
		t.Fatal("the same claimed passed twice")
	}
	resolved := sign(t, h.resolved(h.alertID), h.console)
	h.clk.Advance(time.Second)
	if !h.deliver(resolved) || len(h.rec.Frames("RELEASE")) != 1 {
		t.Fatal("signed resolved did not release")
	}

	// The next session's alert, with the same id even (the fake ids
	// restart), behind the same gate.
	h2 := newHeld(t, true)
	h2.fixture, h2.gate = h.fixture, h.gate
	if h2.alertID != h.alertID {
		t.Fatalf("alert ids %s and %s: the replay would miss for another reason", h.alertID, h2.alertID)
	}
	if h2.deliver(resolved) {
		t.Fatal("a replayed resolved passed the gate")
	}
	h2.stillHeld(t)
}

// A terminal started without --dispatch-key keeps every HOLD.
func TestNoDispatchKeyKeepsHold(t *testing.T) {
	h := newHeld(t, false)
	if h.deliver(sign(t, h.resolved(h.alertID), h.console)) {
		t.Fatal("dispatch passed with no trusted key")
	}
	h.stillHeld(t)
}
