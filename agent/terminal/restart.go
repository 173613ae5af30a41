package terminal

import (
	"encoding/json"
	"time"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/wire"
)

// An agent restarted mid-session (CONTRACT §14). New reads the session
// store: a resume record no older than maxSnapshotAge brings the session
// back whole — its holds, alerts, fired rules, level, score and audit —
// and the next run goes on where the previous one stopped; the HOLDs in
// force and the screen are sent to the controller again when the link is
// up, the transfer warning with its countdown restarted in full (as after
// a link outage). A record that is older, damaged or missing closes the
// session instead, from whichever record is still readable: every alert
// gets its final alert_update (state ended, end_reason agent_restart),
// the session its record, and each hold its RELEASE (reason=). Either way
// the agent's first frame after a start is HELLO,proto=1,role=agent,boot=….
//
// A restored session cannot check the watchlist again: the whole payee
// number is not stored. The rules that had fired stay fired and
// payee_listed is kept as it was decided; a PAYEE frame after the restart
// is checked afresh, as before.

// endAgentRestart is the end_reason of a session the agent could not
// restore after its restart.
const endAgentRestart = "agent_restart"

// maxSnapshotAge is how old (since the previous run was last known
// running) a resume record may be and still be resumed: the link timeout
// (the controller gives up on a silent agent after it) plus one heartbeat
// (the record's Alive may lag the last sign of life by that much). A
// supervised restart (systemd RestartSec=2s, start-up well under a
// second) lands well inside it; an agent that was down longer finds a
// terminal that has had time to time out the transaction itself and a
// customer who may have left, so it closes the session rather than hold a
// transaction nobody is at.
func (t *Terminal) maxSnapshotAge() time.Duration {
	return t.linkTimeout() + config.Seconds(t.policy.Timings.HeartbeatS)
}

// recoverSession restores or closes the session the previous run left
// open. Called once by New, before the first screen is decided.
func (t *Terminal) recoverSession(now time.Time) {
	st := t.o.Sessions
	if st == nil {
		return
	}
	sn, why := t.readSnapshot(SnapshotResume)
	if why == "" {
		if age := now.Sub(sn.Alive); sn.Resume && age <= t.maxSnapshotAge() && age >= -config.Seconds(t.policy.Timings.HeartbeatS) {
			t.sess = sessionOf(sn, t.policy)
			t.log.Warn().Str("session", sn.ID).Dur("age", age).Int("holds", len(sn.Holds)).Msg("session restored after agent restart")
			return
		}
		why = "too old"
	}
	if why != "none" {
		t.log.Warn().Str("why", why).Msg("session resume record not usable")
	}
	if why != "too old" {
		var cwhy string
		if sn, cwhy = t.readSnapshot(SnapshotClose); cwhy != "" {
			if cwhy != "none" || why != "none" {
				t.log.Error().Str("why", cwhy).Msg("session close record not usable either; an open session, if any, is lost")
			}
			t.storeErr(st.Clear(), "clear")
			return
		}
	}
	t.closeRecovered(now, sn)
}

// readSnapshot loads and decodes the record name; why is "" when it is
// usable, "none" when there is none, else what is wrong with it.
func (t *Terminal) readSnapshot(name string) (sn snapshot, why string) {
	b, err := t.o.Sessions.Load(name)
	switch {
	case err != nil:
		return sn, "unreadable: " + err.Error()
	case b == nil:
		return sn, "none"
	}
	if err := json.Unmarshal(b, &sn); err != nil {
		why = "damaged: " + err.Error()
	} else if sn.V != snapshotV || sn.ID == "" || (name == SnapshotResume) != sn.Resume {
		why = "damaged: unknown version or missing session id"
	}
	if why != "" {
		t.keepDamaged(name, why)
	}
	return sn, why
}

// keepDamaged moves a damaged record aside for inspection when the store
// can (CONTRACT §12), so clearing the store afterwards does not destroy
// the evidence of what went wrong.
func (t *Terminal) keepDamaged(name, why string) {
	k, ok := t.o.Sessions.(DamageKeeper)
	if !ok {
		return
	}
	where, err := k.MoveAside(name)
	if err != nil {
		t.log.Error().Err(err).Str("record", name).Msg("damaged session record not moved aside")
		return
	}
	t.log.Error().Str("record", name).Str("why", why).Str("moved_to", where).
		Msg("damaged session record moved aside for inspection")
}

// closeRecovered ends the session of sn as agent_restart. Its alerts and
// record go out at once; its RELEASEs wait for the link (the serial port
// is not open yet while New runs).
func (t *Terminal) closeRecovered(now time.Time, sn snapshot) {
	t.sess = sessionOf(sn, t.policy)
	t.log.Warn().Str("session", sn.ID).Int("holds", len(sn.Holds)).Int("alerts", len(sn.AlertIDs)).Msg("session closed after agent restart")
	ctl := t.o.Controller
	held := &heldFrames{}
	t.o.Controller = held
	t.endSession(now, endAgentRestart)
	t.o.Controller = ctl
	t.pending = append(t.pending, held.frames...)
	t.storeErr(t.o.Sessions.Clear(), "clear")
}

// heldFrames keeps frames for later instead of sending them.
type heldFrames struct{ frames []frame.Frame }

func (h *heldFrames) Send(f frame.Frame) { h.frames = append(h.frames, f) }

// greet runs when the link first comes up after a start: the agent's
// HELLO, then what closing a lost session left to tell the controller.
func (t *Terminal) greet() {
	if t.greeted {
		return
	}
	t.greeted = true
	t.o.Controller.Send(frame.New(wire.Hello, "proto", "1", "role", string(wire.RoleAgent), "boot", t.o.Boot))
	for _, f := range t.pending {
		t.o.Controller.Send(f)
	}
	t.pending = nil
}

// noSession answers a frame that needs a session when none is open: END
// and SENSOR are harmless and acknowledged; anything else (CONFIRM,
// CANCEL, DONE, PAYEE, AMOUNT, FUNC, KEY, ANSWER…) is refused with
// NO_SESSION, so the controller learns at once that the agent has no
// session for it rather than getting an ACK that did nothing.
func (t *Terminal) noSession(f frame.Frame) wire.NakReason {
	if f.Type == wire.End || f.Type == wire.Sensor {
		return ""
	}
	t.log.Warn().Str("type", string(f.Type)).Msg("frame outside a session refused")
	return wire.NakNoSession
}
