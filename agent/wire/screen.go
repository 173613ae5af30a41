package wire

// ScreenName names a screen the agent decides. It appears on the serial
// link in `SCREEN,name=…`, in session records and in tgscreen previews.
type ScreenName string

// Screens (CONTRACT §3, §6, §7, §15).
const (
	ScreenStandby         ScreenName = "standby"          // idle: the standing reminder line
	ScreenReminder        ScreenName = "reminder"         // a session began: a few seconds of reminder
	ScreenTransferWarning ScreenName = "transfer_warning" // cooling-off countdown, then the choices
	ScreenHighRisk        ScreenName = "high_risk"        // HOLD in force; staff are being called
	ScreenStaffComing     ScreenName = "staff_coming"     // a guard claimed the alert
	ScreenStaffArrived    ScreenName = "staff_arrived"    // the guard is at the terminal
	ScreenStopped         ScreenName = "stopped"          // the customer chose not to transfer
	ScreenHelpComing      ScreenName = "help_coming"      // the customer asked for staff
	ScreenQuestion        ScreenName = "question"         // a question to the customer (purpose, counter)
)
