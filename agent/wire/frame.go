package wire

// FrameType is the TYPE field of a serial frame (CONTRACT §2, §8, §14).
type FrameType string

// Controller → agent frame types.
const (
	Hello   FrameType = "HELLO"
	HB      FrameType = "HB"
	Start   FrameType = "START"
	Func    FrameType = "FUNC"
	Payee   FrameType = "PAYEE"
	Amount  FrameType = "AMOUNT"
	Confirm FrameType = "CONFIRM"
	Cancel  FrameType = "CANCEL"
	Done    FrameType = "DONE"
	End     FrameType = "END"
	Sensor  FrameType = "SENSOR"
	Key     FrameType = "KEY"
	Panic   FrameType = "PANIC"
	Answer  FrameType = "ANSWER"
)

// Agent → controller frame types (HELLO and HB go both ways).
const (
	Ack     FrameType = "ACK"
	Nak     FrameType = "NAK"
	Hold    FrameType = "HOLD"
	Release FrameType = "RELEASE"
	Screen  FrameType = "SCREEN"
	Ask     FrameType = "ASK"
	Advice  FrameType = "ADVICE"
)

// Inbound reports whether t is a controller → agent TYPE the agent handles;
// any other valid frame is answered NAK UNKNOWN_TYPE.
func (t FrameType) Inbound() bool {
	switch t {
	case Hello, HB, Start, Func, Payee, Amount, Confirm, Cancel, Done, End,
		Sensor, Key, Panic, Answer:
		return true
	}
	return false
}

// IsReply reports whether t answers another frame (ACK or NAK); replies are
// never answered themselves, so two ends cannot loop.
func (t FrameType) IsReply() bool { return t == Ack || t == Nak }

// NakReason is the reason= of a NAK frame.
type NakReason string

// NAK reasons (CONTRACT §2, §14).
const (
	NakCRC         NakReason = "CRC"
	NakSyntax      NakReason = "SYNTAX"
	NakTooLong     NakReason = "TOO_LONG"
	NakUnknownType NakReason = "UNKNOWN_TYPE"
	// NakNoSession refuses a session frame when no session is open (for
	// example after an agent restart that could not restore it): the
	// controller learns at once instead of an ACK that did nothing.
	NakNoSession NakReason = "NO_SESSION"
)

// Role is the role= of a HELLO: the agent's own HELLO after it starts
// carries role=agent (CONTRACT §14); a controller's HELLO has none.
type Role string

// RoleAgent marks the agent's HELLO.
const RoleAgent Role = "agent"

// Function is the fn= of a FUNC frame.
type Function string

// Terminal functions a customer can choose.
const (
	FnTransfer Function = "TRANSFER"
	FnWithdraw Function = "WITHDRAW"
	FnDeposit  Function = "DEPOSIT"
	FnInquiry  Function = "INQUIRY"
	FnOther    Function = "OTHER"
)

// Channel is the channel= of a START frame.
type Channel string

// Channels a session can come from.
const (
	ChannelATM     Channel = "ATM"
	ChannelCounter Channel = "COUNTER"
)

// KeyName is the key= of a KEY frame.
type KeyName string

// Terminal keys the agent acts on (CONTRACT §2, §6, §15).
const (
	KeyEnter  KeyName = "ENTER"
	KeyCancel KeyName = "CANCEL"
)

// SensorKind is the kind= of a SENSOR frame.
type SensorKind string

// Sensor kinds the shipped rules read.
const SensorPhoneCall SensorKind = "PHONE_CALL"

// Result is the result= of a DONE frame.
type Result string

// Host results.
const (
	ResultOK   Result = "OK"
	ResultFail Result = "FAIL"
)
