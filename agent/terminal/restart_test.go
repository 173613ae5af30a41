package terminal

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/agenttest"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/wire"
)

// listedPayee is on the watchlist of the policy layer below.
const listedPayee = "6217009999888877776"

var listedLayer = map[string]any{
	"watchlist": map[string]any{"accounts": []any{listedPayee}},
	"alerts":    map[string]any{"correlation_key": strings.Repeat("ab", 32)},
}

// heldSession opens a session whose payee is listed: a high alert, HOLD
// cooling_off and HOLD risk_high.
func heldSession(h *harness) {
	h.line("HELLO proto=1")
	h.line("START channel=ATM card=6222021234563445 age=38 lang=zh")
	h.line("FUNC fn=TRANSFER")
	h.line("PAYEE acct=" + listedPayee + " new=1")
	h.line("AMOUNT minor=2000000")
}

// The session store never holds a whole card or account number: masked
// forms and keyed hashes only (CONTRACT §4 privacy, state directory).
func TestSnapshotHoldsNoWholeNumber(t *testing.T) {
	h := newHarness(t, listedLayer)
	heldSession(h)
	names := h.store.Names()
	if len(names) != 2 {
		t.Fatalf("store holds %v, want the resume and close records", names)
	}
	for _, name := range names {
		b, _ := h.store.Load(name)
		if m := longDigits.Find(b); m != nil {
			t.Errorf("record %s holds a whole number %s", name, m)
		}
		for _, whole := range []string{listedPayee, "6222021234563445"} {
			if bytes.Contains(b, []byte(whole)) {
				t.Errorf("record %s holds the whole number %s", name, whole)
			}
		}
		if !strings.Contains(string(b), "621700*********7776") || !strings.Contains(string(b), "622202******3445") {
			t.Errorf("record %s lacks the masked card or payee: %s", name, b)
		}
	}
	// The close record (fsync'd) is rewritten only when what closing needs
	// changed, not at every frame and heartbeat as the resume record is.
	h.line("CONFIRM")
	h.line("HB up=1")
	if h.store.Durable == 0 || h.store.Durable >= h.store.Saves-2 {
		t.Errorf("%d durable saves of %d, want the close record durable and rewritten less often", h.store.Durable, h.store.Saves)
	}
	h.line("END")
	if n := h.store.Names(); len(n) != 0 {
		t.Errorf("store still holds %v after END, want nothing", n)
	}
}

// A restored session cannot check the watchlist again (the payee's whole
// number is gone), so what was decided stays: the alert keeps
// payee_listed, its masked payee and keys, and the risk hold stays in
// force until END.
func TestRestoredSessionKeepsWhatWasDecided(t *testing.T) {
	h := newHarness(t, listedLayer)
	heldSession(h)
	before := h.rec.Messages(wire.TopicAlert)[0]
	h.restart(scenarioRestart(2*time.Second, ""))
	h.line("HB up=1")
	if holds := h.rec.Frames("HOLD"); len(holds) != 4 {
		t.Fatalf("%d HOLDs in all, want 2 before and 2 again after the restart", len(holds))
	}
	h.line("CONFIRM")
	h.line("END")
	msgs := h.rec.Messages(wire.TopicAlert)
	last := msgs[len(msgs)-1]
	if last["alert_id"] != before["alert_id"] || last["end_reason"] != "end" {
		t.Fatalf("final update %v, want the same alert ended by END", last)
	}
	for _, k := range []string{"payee", "payee_key", "payee_listed"} {
		if got, want := last["txn"].(map[string]any)[k], before["txn"].(map[string]any)[k]; got != want {
			t.Errorf("txn.%s = %v after the restart, want %v as before", k, got, want)
		}
	}
	if got, want := last["customer"].(map[string]any)["card_key"], before["customer"].(map[string]any)["card_key"]; got != want || got == "" {
		t.Errorf("customer.card_key = %v after the restart, want %v", got, want)
	}
	rel := h.rec.Frames("RELEASE")
	if len(rel) != 2 {
		t.Errorf("%d RELEASEs at END, want 2 (cooling_off, risk_high)", len(rel))
	}
}

// The age limit: a record alive at most the link timeout plus a heartbeat
// ago is restored, an older one closes the session.
func TestSnapshotAgeLimit(t *testing.T) {
	for _, c := range []struct {
		down     time.Duration
		restored bool
	}{{time.Second, true}, {19 * time.Second, true}, {25 * time.Second, false}, {time.Hour, false}} {
		h := newHarness(t, listedLayer)
		heldSession(h)
		h.restart(scenarioRestart(c.down, ""))
		ended := endedBy(h, endAgentRestart)
		if c.restored == ended {
			t.Errorf("down %v: ended=%v, want restored=%v", c.down, ended, c.restored)
		}
	}
}

// A damaged resume record closes the session from the close record; with
// both damaged nothing can be said, and the next run starts clean.
func TestDamagedSnapshot(t *testing.T) {
	h := newHarness(t, listedLayer)
	heldSession(h)
	h.store.Save(SnapshotResume, []byte(`{"v":1,"resume":tru`), false)
	h.restart(scenarioRestart(time.Second, ""))
	if !endedBy(h, endAgentRestart) {
		t.Fatal("a damaged resume record did not close the session")
	}
	h.line("HB up=1")
	if rel := h.rec.Frames("RELEASE"); len(rel) != 2 {
		t.Errorf("%d RELEASEs after the restart, want 2", len(rel))
	}

	h = newHarness(t, listedLayer)
	heldSession(h)
	h.store.Save(SnapshotResume, []byte(`garbage`), false)
	h.store.Save(SnapshotClose, []byte(`{"v":7}`), true)
	n := len(h.rec.Messages(wire.TopicAlert))
	h.restart(scenarioRestart(time.Second, ""))
	if got := len(h.rec.Messages(wire.TopicAlert)); got != n {
		t.Errorf("%d alert messages published from damaged records", got-n)
	}
	if names := h.store.Names(); len(names) != 0 {
		t.Errorf("damaged records %v still live after the restart", names)
	}
	if aside := h.store.Aside(); !slices.Equal(aside, []string{SnapshotResume, SnapshotClose}) {
		t.Errorf("records moved aside = %v, want both damaged ones kept for inspection (CONTRACT §12)", aside)
	}
}

// A full or read-only disk never stops the core: HOLD, screen and alert
// go on as before.
func TestFailingStoreDoesNotStopTheCore(t *testing.T) {
	h := newHarness(t, listedLayer)
	h.store.Fail = agenttest.ErrDiskFull
	heldSession(h)
	if len(h.rec.Frames("HOLD")) != 2 || h.term.Screen().Name != wire.ScreenHighRisk || len(h.rec.Messages(wire.TopicAlert)) == 0 {
		t.Fatal("a failing session store changed what the core decided")
	}
	h.store.Fail = nil
	h.line("CONFIRM")
	if n := h.store.Names(); len(n) != 2 {
		t.Errorf("store holds %v once the disk works again, want both records", n)
	}
}

// Outside a session the frames that need one are refused with NO_SESSION;
// END and SENSOR are harmless and acknowledged, as are HELLO, HB, START
// and PANIC, which need none.
func TestFramesOutsideASession(t *testing.T) {
	h := newHarness(t)
	for typ, want := range map[wire.FrameType]wire.NakReason{
		wire.Confirm: wire.NakNoSession, wire.Cancel: wire.NakNoSession, wire.Done: wire.NakNoSession,
		wire.Payee: wire.NakNoSession, wire.Amount: wire.NakNoSession, wire.Func: wire.NakNoSession,
		wire.Key: wire.NakNoSession, wire.Answer: wire.NakNoSession,
		wire.End: "", wire.Sensor: "", wire.HB: "", wire.Hello: "",
	} {
		if got := h.term.HandleFrame(frame.New(typ)); got != want {
			t.Errorf("%s outside a session: %q, want %q", typ, got, want)
		}
	}
	if got := h.term.HandleFrame(frame.New(wire.Start)); got != "" {
		t.Errorf("START answered %q", got)
	}
	if got := h.term.HandleFrame(frame.New(wire.Confirm)); got != "" {
		t.Errorf("CONFIRM in a session answered %q", got)
	}
}

func scenarioRestart(down time.Duration, variant string) scenarioStep {
	st := scenarioFrame("restart")
	st.Delay, st.Choice = down, variant
	return st
}

// endedBy reports whether an alert_update ended the session for reason.
func endedBy(h *harness, reason string) bool {
	for _, m := range h.rec.Messages(wire.TopicAlert) {
		if m["type"] == string(wire.TypeAlertUpdate) && m["end_reason"] == reason {
			return true
		}
	}
	return false
}

// The HOLD a frame causes leaves for the controller, and its alert for the
// broker, only once the resume record that would restore them is saved:
// an agent killed right after the controller saw HOLD reason=risk_high or
// the broker the alert restores both (CONTRACT §14),
// even when the serial link acknowledged the frame before the core was
// done with it.
func TestHoldLeavesOnlyOnceSaved(t *testing.T) {
	h := newHarness(t)
	sentAtSave, alertsAtSave := -1, -1 // HOLDs on the line, alerts published, when risk_high was first saved
	var saved []byte
	h.store.OnSave = func(name string, b []byte) {
		if name == SnapshotResume && sentAtSave < 0 && bytes.Contains(b, []byte(`"risk_high"`)) {
			sentAtSave, alertsAtSave = len(h.rec.Frames("HOLD")), len(h.rec.Messages(wire.TopicAlert))
			saved = slices.Clone(b)
		}
	}
	h.line("START age=52 card=6222021234563445 lang=zh")
	h.line("SENSOR kind=PHONE_CALL state=ON")
	h.line("FUNC fn=TRANSFER")
	h.line("PAYEE acct=6217001234567890123 new=1")
	h.line("AMOUNT minor=2000000 cur=CNY")
	holds := h.rec.Frames("HOLD")
	if len(holds) != 2 || holds[1].Fields["reason"] != "risk_high" {
		t.Fatalf("holds = %v, want cooling_off then risk_high", holds)
	}
	if sentAtSave != 1 {
		t.Errorf("%d HOLD frames were on the line when the record holding risk_high was saved, want 1 (cooling_off only)", sentAtSave)
	}
	alerts := h.rec.Messages(wire.TopicAlert)
	if len(alerts) != 1 || alertsAtSave != 0 {
		t.Fatalf("%d alerts published, %d of them before the record was saved; want 1, none before", len(alerts), alertsAtSave)
	}
	if id, _ := alerts[0]["alert_id"].(string); !bytes.Contains(saved, []byte(id)) {
		t.Errorf("the record saved before the alert left does not name alert %s: %s", id, saved)
	}
}
