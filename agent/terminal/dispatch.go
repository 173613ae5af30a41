package terminal

import (
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

// HandleDispatch processes a guard console's word on the open session's
// risk or help alert (CONTRACT §7). A claim turns the screen to
// staff_coming with the guard's display name and ETA, arrival to
// staff_arrived; resolved lifts the risk holds (one RELEASE each) and
// brings back the transfer warning, if one is open, with its full
// countdown: cooling_off is released only by the customer's continue.
// A dispatch for a panic or tamper alert never reaches the screen: the
// duress button is silent.
func (t *Terminal) HandleDispatch(d envelope.Dispatch) {
	now := t.o.Clock.Now()
	s := t.sess
	if s == nil || d.AlertID == "" || (d.AlertID != s.alertID && d.AlertID != s.helpID) {
		t.log.Info().Str("alert_id", d.AlertID).Str("state", string(d.State)).Msg("dispatch for no open alert on screen")
		return
	}
	t.log.Info().Str("alert_id", d.AlertID).Str("state", string(d.State)).Str("guard", d.Guard).Msg("dispatch")
	switch d.State {
	case wire.DispatchClaimed, wire.DispatchArrived:
		s.dispatch = d.State
		if d.GuardName != "" {
			s.guardName = d.GuardName
		}
		if d.ETAS > 0 {
			s.etaS = d.ETAS
		}
	case wire.DispatchResolved:
		s.dispatch, s.cleared, s.helpOpen = d.State, true, false
		t.releaseRisk()
		t.publishUpdate(now)
	default:
		t.log.Warn().Str("state", string(d.State)).Msg("unknown dispatch state ignored")
		return
	}
	t.render(now)
}
