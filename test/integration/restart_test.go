//go:build integration

package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/wire"
)

// phoneHeldTransfer is a transfer to a new payee with a phone call going
// on: a high alert, HOLD cooling_off and HOLD risk_high.
const phoneHeldTransfer = `HELLO proto=1 model=SIM-ATM fw=1.0
START channel=ATM card=6222021234563445 age=52 region=330381 lang=zh
SENSOR kind=PHONE_CALL state=ON
FUNC fn=TRANSFER
expect HOLD reason=cooling_off
PAYEE acct=6217001234567890123 name="王五" bank=ABC new=1
AMOUNT minor=300000 cur=CNY
expect HOLD reason=risk_high
expect SCREEN name=high_risk
`

// killDuringHeldTransfer plays phoneHeldTransfer, waits for its alert and
// SIGKILLs the agent; it returns the alert id.
func killDuringHeldTransfer(t *testing.T, r *rig) string {
	t.Helper()
	r.startAgent()
	r.addPANs("6217001234567890123") // the privacy scan looks for the payee too
	r.play(phoneHeldTransfer)
	msgs := r.sub.await(10*time.Second, "the high risk alert", func(msgs []message) bool {
		return len(alertsOf(t, msgs, wire.TypeAlert, "")) > 0
	})
	id, _ := alertsOf(t, msgs, wire.TypeAlert, "")[0]["alert_id"].(string)
	r.agent.kill()
	return id
}

// restartAgent starts the agent again and checks its HELLO: role=agent and
// the boot id of the new run's online status. The controller ACKs it.
func restartAgent(t *testing.T, r *rig) {
	t.Helper()
	r.startAgent()
	r.play("expect HELLO proto=1 role=agent within 3s\n")
	var hello frame.Frame
	for _, rc := range r.player.Received() {
		if rc.Err == nil && rc.Frame.Type == wire.Hello {
			hello = rc.Frame
		}
	}
	boot := hello.Value("boot")
	r.sub.await(10*time.Second, "an online status with the HELLO's boot id "+boot, func(msgs []message) bool {
		for _, m := range onTopic(msgs, "status") {
			if v := decode(t, m); v["state"] == "online" && v["boot"] == boot && boot != "" {
				return true
			}
		}
		return false
	})
	ack, err := frame.Encode(frame.Frame{Seq: 60000, Type: wire.Ack, Fields: []frame.Field{{Key: "ref", Value: fmt.Sprint(hello.Seq)}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.player.SendRaw(t.Context(), ack); err != nil {
		t.Fatal(err)
	}
}

// TestAgentKilledDuringHeldTransferRestoresIt: tgagent is SIGKILLed while
// a transfer is held for a phone call and started again. The controller
// hears HELLO role=agent and both HOLDs again; the alert stays open (no
// ended update at the restart) and is closed properly at END.
func TestAgentKilledDuringHeldTransferRestoresIt(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	id := killDuringHeldTransfer(t, r)
	restartAgent(t, r)
	r.play("expect HOLD reason=cooling_off\nexpect HOLD reason=risk_high\nexpect SCREEN name=high_risk\n" +
		"CONFIRM\nEND\nexpect RELEASE reason=cooling_off\nexpect RELEASE reason=risk_high\n")
	msgs := r.sub.await(10*time.Second, "the alert ended by END and its session record", func(msgs []message) bool {
		return len(alertsOf(t, msgs, wire.TypeAlertUpdate, "end")) > 0 && len(recordsOf(t, msgs, id)) > 0
	})
	if n := len(alertsOf(t, msgs, wire.TypeAlertUpdate, "agent_restart")); n != 0 {
		t.Errorf("%d alert_updates ended the restored session as agent_restart", n)
	}
	if rec := recordsOf(t, msgs, id)[0]; rec["end_reason"] != "end" || rec["state"] != "confirmed" {
		t.Errorf("session record end_reason=%v state=%v, want end, confirmed", rec["end_reason"], rec["state"])
	}
}

// TestAgentKilledWithSnapshotLostClosesSession: as above, but the resume
// snapshot is deleted before the restart. The session cannot go on: its
// alert gets alert_update state=ended end_reason=agent_restart, the
// session its record, the controller a RELEASE for each hold, and a
// CONFIRM for the lost session is refused with NAK NO_SESSION.
func TestAgentKilledWithSnapshotLostClosesSession(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	id := killDuringHeldTransfer(t, r)
	snap := filepath.Join(r.stateDir, "session", "session-resume.json")
	if err := os.Remove(snap); err != nil {
		t.Fatalf("the killed agent left no resume snapshot: %v", err)
	}
	restartAgent(t, r)
	r.play("expect RELEASE reason=cooling_off\nexpect RELEASE reason=risk_high\n")
	ans, err := r.player.SendFrame(t.Context(), wire.Confirm)
	if err != nil || ans.Type != wire.Nak || ans.Value("reason") != string(wire.NakNoSession) {
		t.Errorf("CONFIRM after the restart answered %v %v (%v), want NAK reason=NO_SESSION", ans.Type, ans.Fields, err)
	}
	if ans, err := r.player.SendFrame(t.Context(), wire.End); err != nil || ans.Type != wire.Ack {
		t.Errorf("END after the restart answered %v (%v), want ACK", ans.Type, err)
	}
	msgs := r.sub.await(10*time.Second, "alert_update end_reason=agent_restart and the session record", func(msgs []message) bool {
		return len(alertsOf(t, msgs, wire.TypeAlertUpdate, "agent_restart")) > 0 && len(recordsOf(t, msgs, id)) > 0
	})
	up := alertsOf(t, msgs, wire.TypeAlertUpdate, "agent_restart")[0]
	if up["alert_id"] != id || up["state"] != "ended" {
		t.Errorf("update %v, want alert %s state=ended", up, id)
	}
	if rec := recordsOf(t, msgs, id)[0]; rec["end_reason"] != "agent_restart" {
		t.Errorf("session record end_reason=%v, want agent_restart", rec["end_reason"])
	}
}

// alertsOf returns the alert messages of type typ (and end_reason, if
// given), decoded.
func alertsOf(t *testing.T, msgs []message, typ wire.MessageType, endReason string) []map[string]any {
	var out []map[string]any
	for _, m := range onTopic(msgs, "alert") {
		v := decode(t, m)
		if v["type"] == string(typ) && (endReason == "" || v["end_reason"] == endReason) {
			out = append(out, v)
		}
	}
	return out
}

// recordsOf returns the session records filed under alert id.
func recordsOf(t *testing.T, msgs []message, id string) []map[string]any {
	var out []map[string]any
	for _, m := range onTopic(msgs, "session") {
		if v := decode(t, m); v["alert_id"] == id {
			out = append(out, v)
		}
	}
	return out
}
