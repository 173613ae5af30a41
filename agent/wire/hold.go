package wire

// HoldReason is the reason= of HOLD and RELEASE frames: why the terminal
// must not authorise the transaction yet.
type HoldReason string

// Hold reasons, weakest first.
const (
	// HoldNone: no hold in force.
	HoldNone HoldReason = ""
	// HoldCoolingOff: every transfer's warning, released when the customer
	// continues after the countdown.
	HoldCoolingOff HoldReason = "cooling_off"
	// HoldRiskMedium and HoldRiskHigh: the session's risk crossed the hold
	// level; released only by staff (a signed dispatch) or END.
	HoldRiskMedium HoldReason = "risk_medium"
	HoldRiskHigh   HoldReason = "risk_high"
)

// RiskHold is the hold reason for a risk level.
func RiskHold(l Level) HoldReason {
	switch l {
	case LevelHigh:
		return HoldRiskHigh
	case LevelMedium:
		return HoldRiskMedium
	}
	return HoldNone
}

// IsRisk reports whether r is a risk hold (one that only staff may lift).
func (r HoldReason) IsRisk() bool { return r == HoldRiskMedium || r == HoldRiskHigh }
