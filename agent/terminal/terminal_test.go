package terminal

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/scenario"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
)

func (h *harness) line(l string) {
	h.t.Helper()
	h.play([]scenario.Step{scenarioFrame(l)})
}

var errDisk = errors.New("disk full")

func TestDispatchTellsCustomerStaffAreComing(t *testing.T) {
	h := newHarness(t)
	h.line("START age=52 card=6222021234563445 lang=zh")
	h.line("SENSOR kind=PHONE_CALL state=ON")
	h.line("FUNC fn=TRANSFER")
	h.line("PAYEE acct=6217001234567890123 new=1")
	h.line("AMOUNT minor=2000000 cur=CNY")
	alerts := h.rec.Messages(wire.TopicAlert)
	if len(alerts) != 1 || alerts[0]["level"] != "high" {
		t.Fatalf("alerts = %v, want one high alert", alerts)
	}
	id := alerts[0]["alert_id"].(string)
	for _, l := range h.term.Screen().Lines {
		if strings.Contains(l, "赶来") {
			t.Errorf("high_risk says staff are on the way before any claim: %q", l)
		}
	}

	h.term.HandleDispatch(envelope.Dispatch{AlertID: "someone-else", State: "claimed"})
	if got := h.term.Screen().Name; got != wire.ScreenHighRisk {
		t.Fatalf("dispatch for another alert changed the screen to %s", got)
	}
	h.term.HandleDispatch(envelope.Dispatch{AlertID: id, State: "claimed", Guard: "guard", GuardName: "王师傅", ETAS: 90})
	s := h.term.Screen()
	if s.Name != wire.ScreenStaffComing || s.Pictogram != screen.PictogramStaff {
		t.Fatalf("screen = %s %s, want staff_coming with the staff pictogram", s.Name, s.Pictogram)
	}
	if !slices.Contains(s.Lines, "王师傅正在赶来，请在原地稍候。") || !slices.Contains(s.Lines, "预计约 2 分钟后到达。") {
		t.Errorf("staff screen lines = %q, want the guard's display name and a 2-minute ETA", s.Lines)
	}
	for _, l := range s.Lines {
		if strings.Contains(l, "guard") {
			t.Errorf("the guard's login name reached the customer: %q", l)
		}
	}
	if n := len(h.rec.Frames("RELEASE")); n != 0 {
		t.Fatalf("released %d times before staff resolved", n)
	}
	h.term.HandleDispatch(envelope.Dispatch{AlertID: id, State: "arrived"})
	if got := h.term.Screen().Name; got != wire.ScreenStaffArrived {
		t.Errorf("screen after arrived = %s, want staff_arrived", got)
	}
	h.advance(6*time.Second, false) // past the reminder
	h.term.HandleDispatch(envelope.Dispatch{AlertID: id, State: "resolved"})
	rel := h.rec.Frames("RELEASE")
	if len(rel) != 1 || rel[0].Fields["reason"] != "risk_high" {
		t.Errorf("RELEASE frames after resolve = %v, want one, reason risk_high", rel)
	}
	if got := h.term.Screen(); got.Name != wire.ScreenTransferWarning || got.CountdownMS != 10000 {
		t.Errorf("screen after resolve = %s (countdown %d ms), want the transfer warning with its whole countdown", got.Name, got.CountdownMS)
	}
}

func TestStaffScreenWithoutETALeavesLineOut(t *testing.T) {
	h := newHarness(t)
	h.line("START age=70 lang=en")
	h.line("PANIC")
	h.line("SENSOR kind=PHONE_CALL state=ON")
	h.line("FUNC fn=TRANSFER")
	h.line("PAYEE acct=6217001234567890123 new=1")
	h.line("AMOUNT minor=2000000 cur=CNY")
	var risk string
	for _, a := range h.rec.Messages(wire.TopicAlert) {
		if a["kind"] == "risk" {
			risk = a["alert_id"].(string)
		}
	}
	h.term.HandleDispatch(envelope.Dispatch{AlertID: risk, State: "claimed"})
	for _, l := range h.term.Screen().Lines {
		if l == "" || slices.Contains([]string{"{eta}", "{guard}"}, l) {
			t.Errorf("line with a hole: %q", l)
		}
	}
	want := []string{"A member of staff is on the way. Please wait here.", "If no one comes, go to the counter or call 110."}
	if got := h.term.Screen().Lines; !slices.Equal(got, want) {
		t.Errorf("lines = %q, want %q: the fallback name, no ETA line, the note", got, want)
	}
}

func TestPanicIsSilentOnScreen(t *testing.T) {
	h := newHarness(t)
	h.line("START channel=COUNTER age=70")
	before := h.rec.Screens()
	frames := len(h.rec.Frames(""))
	h.line("PANIC")
	if got := h.rec.Screens(); !slices.Equal(got, before) {
		t.Errorf("screens changed on PANIC: %v → %v", before, got)
	}
	if got := len(h.rec.Frames("")); got != frames {
		t.Errorf("PANIC sent %d frames to the controller", got-frames)
	}
	a := h.rec.Messages(wire.TopicAlert)
	if len(a) != 1 || a[0]["kind"] != "panic" || a[0]["level"] != "high" {
		t.Errorf("alerts = %v, want one high panic alert", a)
	}
}

func TestContinueByTouchInsideTheButtonAfterCountdownOnly(t *testing.T) {
	h := newHarness(t)
	h.line("START age=40")
	h.line("FUNC fn=TRANSFER")
	touch := screen.FromDisplay{Type: screen.MsgInput, Source: screen.SourceTouch, Choice: screen.ChoiceContinue}
	outside := screen.FromDisplay{Type: screen.MsgInput, Source: screen.SourceTouch}
	h.clk.Advance(9900 * time.Millisecond)
	h.term.HandleInput(touch)
	if h.term.Screen().Name != wire.ScreenTransferWarning {
		t.Fatal("a touch before the countdown ended closed the warning")
	}
	h.clk.Advance(100 * time.Millisecond)
	h.term.HandleInput(screen.FromDisplay{Type: screen.MsgInput, Source: screen.SourceKey, Key: "ESCAPE"})
	h.term.HandleInput(outside)
	if h.term.Screen().Name != wire.ScreenTransferWarning {
		t.Fatal("Escape or a touch outside the buttons closed the warning")
	}
	h.term.HandleInput(touch)
	if h.term.Screen().Name == wire.ScreenTransferWarning {
		t.Fatal("a touch on continue after the countdown did not continue")
	}
	h.line("END")
	rec := h.rec.Messages(wire.TopicSession)
	if len(rec) != 1 || rec[0]["choice"] != "continue" || rec[0]["choice_by"] != "touch" {
		t.Fatalf("session records = %v, want 1 with choice continue by touch", rec)
	}
	var warn map[string]any
	for _, s := range rec[0]["screens"].([]any) {
		if m := s.(map[string]any); m["name"] == "transfer_warning" {
			warn = m
		}
	}
	if warn["ack"] != "touch" || warn["early_acks"] != float64(1) || warn["duration_ms"] != float64(10000) {
		t.Errorf("warning audit = %v, want ack touch, 1 early ack, 10000 ms", warn)
	}
}

func TestConfigChangeNeverCutsOffAWarning(t *testing.T) {
	h := newHarness(t)
	h.line("START age=40 lang=zh")
	h.line("FUNC fn=TRANSFER")
	shown := h.term.Screen()
	layer, _ := config.ParseYAML([]byte("timings: {cooling_off_s: 2}\nscreens: {zh: {transfer_warning: {title: 新标题}}}"))
	p, err := config.Build(config.Defaults(), layer)
	if err != nil {
		t.Fatal(err)
	}
	h.term.SetPolicy(p)
	h.clk.Advance(3 * time.Second)
	h.term.Tick()
	h.line("KEY key=ENTER")
	if got := h.term.Screen(); got.Name != wire.ScreenTransferWarning || got.Title != shown.Title {
		t.Fatalf("warning changed under the customer: %s %q", got.Name, got.Title)
	}
	h.advance(8*time.Second, false)
	h.line("KEY key=ENTER")
	h.line("END")
	h.line("START age=40 lang=zh")
	h.line("FUNC fn=TRANSFER")
	if got := h.term.Screen(); got.Title != "新标题" || got.CountdownMS != 2000 {
		t.Errorf("next session: title %q countdown %d, want the new policy", got.Title, got.CountdownMS)
	}
}

func TestStartReplacesOpenSessionAndHelloEndsIt(t *testing.T) {
	h := newHarness(t)
	h.line("START age=67 card=6222021234563445")
	h.line("FUNC fn=TRANSFER")
	h.line("AMOUNT minor=900000")
	h.line("START age=30")
	recs := h.rec.Messages(wire.TopicSession)
	if len(recs) != 1 || recs[0]["end_reason"] != "replaced" {
		t.Fatalf("records = %v, want the first session closed as replaced", recs)
	}
	if n := len(h.rec.Frames("RELEASE")); n != 1 {
		t.Errorf("RELEASE = %d, want the replaced session's hold lifted", n)
	}
	h.line("FUNC fn=TRANSFER")
	h.line("HELLO proto=1")
	recs = h.rec.Messages(wire.TopicSession)
	if len(recs) != 2 || recs[1]["end_reason"] != "controller_restart" {
		t.Errorf("records = %v, want the second closed by HELLO", recs)
	}
	ups := h.rec.Messages(wire.TopicAlert)
	if last := ups[len(ups)-1]; last["type"] != "alert_update" || last["state"] != "ended" {
		t.Errorf("last alert message = %v, want an ended alert_update", last)
	}
}

func TestLinkDownWithoutSessionRaisesNoTamper(t *testing.T) {
	h := newHarness(t)
	h.line("HB up=1")
	h.advance(20*time.Second, true)
	if a := h.rec.Messages(wire.TopicAlert); len(a) != 0 {
		t.Errorf("alerts = %v, want none with no session open", a)
	}
	var last *bool
	for _, e := range h.rec.Events() {
		if e.Out == "link" {
			last = e.Link
		}
	}
	if last == nil || *last {
		t.Error("link not reported down after 15 s of silence")
	}
}

func TestHoldLevelNoneNeverHoldsForRisk(t *testing.T) {
	layer, _ := config.ParseYAML([]byte("alerts: {hold_level: none}\nwatchlist: {accounts: ['6217009999888877776']}"))
	h := newHarness(t, layer)
	h.line("START age=40")
	h.line("PAYEE acct=6217009999888877776 new=1")
	for _, f := range h.rec.Frames("HOLD") {
		t.Errorf("HOLD sent with hold_level none: %v", f.Fields)
	}
	if a := h.rec.Messages(wire.TopicAlert); len(a) != 1 || a[0]["held"] != false {
		t.Errorf("alerts = %v, want one, not held", a)
	}
}

func TestCorrelationKeysInAlerts(t *testing.T) {
	layer, _ := config.ParseYAML([]byte("alerts: {correlation_key: 000102030405060708090a0b0c0d0e0f}"))
	h := newHarness(t, layer)
	h.line("START age=70 card=6222021234563445")
	h.line("PANIC")
	a := h.rec.Messages(wire.TopicAlert)[0]
	c := a["customer"].(map[string]any)
	if k, _ := c["card_key"].(string); len(k) != 64 {
		t.Errorf("card_key = %q, want a 64-hex HMAC", k)
	}
	if c["card"] != "622202******3445" {
		t.Errorf("card = %v, want masked", c["card"])
	}
}

func TestPublishFailureDoesNotStopDecisions(t *testing.T) {
	h := newHarness(t)
	h.rec.Fail = errDisk
	h.line("START age=52")
	h.line("SENSOR kind=PHONE_CALL state=ON")
	h.line("FUNC fn=TRANSFER")
	h.line("PAYEE acct=6217001234567890123 new=1")
	h.line("AMOUNT minor=2000000 cur=CNY")
	if h.term.Screen().Name != wire.ScreenHighRisk || len(h.rec.Frames("HOLD")) == 0 {
		t.Error("a failing outbox stopped the screen or the HOLD")
	}
}

func TestLinkBackRepeatsHoldAndScreen(t *testing.T) {
	h := newHarness(t)
	h.line("START age=52")
	h.line("SENSOR kind=PHONE_CALL state=ON")
	h.line("FUNC fn=TRANSFER")
	h.line("PAYEE acct=6217001234567890123 new=1")
	h.line("AMOUNT minor=2000000 cur=CNY")
	h.advance(16*time.Second, true)
	before := len(h.rec.Frames("HOLD"))
	h.line("HB up=99")
	holds := h.rec.Frames("HOLD")
	if len(holds) != before+2 || holds[before].Fields["reason"] != "cooling_off" || holds[before+1].Fields["reason"] != "risk_high" {
		t.Errorf("HOLD frames after the link came back: %v, want cooling_off and risk_high repeated", holds[before:])
	}
	screens := h.rec.Frames("SCREEN")
	if last := screens[len(screens)-1]; last.Fields["name"] != "high_risk" {
		t.Errorf("last SCREEN = %v, want high_risk repeated", last.Fields)
	}
}

// A frame handled a moment before the reminder (or the cooling-off) ends,
// with the clock passing the end while it is handled, must still leave a
// tick due: found by a slow CI run where the reminder never ended.
func TestTimerEndingDuringAFrameStillTicks(t *testing.T) {
	slowHB, _ := config.ParseYAML([]byte("timings: {heartbeat_s: 60}")) // no other deadline nearby
	h := newHarness(t, slowHB)
	h.line("START age=40")
	h.clk.Advance(5*time.Second - time.Millisecond)
	h.line("HB up=5")
	if h.term.Screen().Name != wire.ScreenReminder {
		t.Fatalf("screen = %s, want the reminder still", h.term.Screen().Name)
	}
	h.clk.Advance(2 * time.Millisecond) // the frame took that long
	if d := h.term.NextDeadline(); d.After(h.clk.Now()) {
		t.Fatalf("next deadline %v after now: the reminder's end was swallowed", d.Sub(h.clk.Now()))
	}
	h.term.Tick()
	if h.term.Screen().Name != wire.ScreenStandby {
		t.Errorf("screen = %s after the tick, want standby", h.term.Screen().Name)
	}
}

func TestAuditRecordsWhenTheDisplayDrewAScreen(t *testing.T) {
	h := newHarness(t)
	h.line("START age=40")
	h.line("FUNC fn=TRANSFER")
	warn := h.term.Screen()
	h.clk.Advance(40 * time.Millisecond)
	h.term.HandleShown(warn.Seq)
	h.term.HandleShown(warn.Seq) // a repeat keeps the first time
	h.advance(11*time.Second, false)
	h.line("KEY key=ENTER")
	h.line("END")
	rec := h.rec.Messages(wire.TopicSession)[0]
	for _, sc := range rec["screens"].([]any) {
		m := sc.(map[string]any)
		switch m["name"] {
		case "transfer_warning":
			if m["drawn"] != "2026-11-26T02:00:00.040Z" {
				t.Errorf("warning drawn = %v, want 40 ms after it was decided", m["drawn"])
			}
		default:
			if _, ok := m["drawn"]; ok {
				t.Errorf("%v has a drawn time though no display reported it", m["name"])
			}
		}
	}
}

// A screen whose content changes while it stays up (a guard's name, a
// countdown) goes to the display again under a newer seq; the display
// reports that seq, and the screen's audit entry must still get its drawn
// time.
func TestAuditDrawnForAScreenShownAgainWithNewContent(t *testing.T) {
	h := newHarness(t)
	h.line("START age=40")
	h.line("FUNC fn=TRANSFER")
	first := h.term.Screen()
	later := first.Seq + 1 // the display drew a newer decision of the same screen
	h.clk.Advance(30 * time.Millisecond)
	h.term.HandleShown(later)
	h.line("CANCEL")
	h.line("END")
	rec := h.rec.Messages(wire.TopicSession)[0]
	for _, sc := range rec["screens"].([]any) {
		m := sc.(map[string]any)
		if m["name"] == "transfer_warning" && m["drawn"] == nil {
			t.Errorf("transfer warning has no drawn time though seq %d (after its first %d) was drawn", later, first.Seq)
		}
	}
}
