package wire

// AlertKind is the kind of an alert (CONTRACT §4, §6) or of a dispatch
// incident, which adds health kinds of its own.
type AlertKind string

// Alert kinds raised by the agent.
const (
	KindRisk   AlertKind = "risk"
	KindPanic  AlertKind = "panic"
	KindTamper AlertKind = "tamper"
	// KindHelp: the customer asked for staff on the transfer warning.
	KindHelp AlertKind = "help"
)

// Incident kinds raised by tgdispatch itself from terminal health.
const (
	KindOffline  AlertKind = "offline"
	KindLinkDown AlertKind = "link_down"
	KindUIDown   AlertKind = "ui_down"
	KindStorage  AlertKind = "storage_degraded"
	KindFollowUp AlertKind = "follow_up"
)

// Level is an alert level, in rising order none < medium < high.
type Level string

// Alert levels.
const (
	LevelNone   Level = ""
	LevelMedium Level = "medium"
	LevelHigh   Level = "high"
)

// Rank orders levels: 0 none, 1 medium, 2 high.
func (l Level) Rank() int {
	switch l {
	case LevelMedium:
		return 1
	case LevelHigh:
		return 2
	}
	return 0
}

// MessageType is the "type" of an agent MQTT message.
type MessageType string

// Message types.
const (
	TypeAlert       MessageType = "alert"
	TypeAlertUpdate MessageType = "alert_update"
	TypeSession     MessageType = "session"
)

// DispatchState is the "state" of a dispatch message (console → agent) and
// of an incident after it is claimed.
type DispatchState string

// Dispatch states (CONTRACT §4, §7).
const (
	DispatchClaimed  DispatchState = "claimed"
	DispatchArrived  DispatchState = "arrived"
	DispatchResolved DispatchState = "resolved"
)
