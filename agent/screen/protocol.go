package screen

// The screen-process protocol: tgagent starts tgscreen and writes
// ToDisplay messages to its standard input, one JSON object per line;
// tgscreen writes FromDisplay messages to its standard output, one per line.
// Unknown message types and fields are ignored on both sides, so either end
// can be upgraded first. docs/screen-protocol.md is the reference.

// Message types on the screen pipe.
const (
	MsgShow  = "show"  // agent → screen: draw Screen now
	MsgReady = "ready" // screen → agent: window is up; resend the current screen
	MsgInput = "input" // screen → agent: the customer touched, clicked or pressed a key
	MsgShown = "shown" // screen → agent: the screen with this seq has been drawn
	// MsgHello is the first line of a screen that connects to the agent
	// over TCP (tgscreen --connect): it carries the token that proves the
	// screen may read the agent's token file.
	MsgHello = "hello"
)

// Input sources reported by tgscreen.
const (
	SourceTouch = "touch"
	SourceClick = "click"
	SourceKey   = "key"
)

// ToDisplay is one line written to tgscreen.
type ToDisplay struct {
	Type   string  `json:"type"`
	Screen *Screen `json:"screen,omitempty"`
}

// FromDisplay is one line read from tgscreen.
type FromDisplay struct {
	Type   string `json:"type"`
	Source string `json:"source,omitempty"` // touch, click, key
	Key    string `json:"key,omitempty"`    // for key: ENTER, ESCAPE, …
	Seq    uint64 `json:"seq,omitempty"`    // the screen it was aimed at
	// Choice is the id of the button a touch or click landed inside; empty
	// for a touch outside every button (which never chooses).
	Choice string `json:"choice,omitempty"`
	// Token is sent with MsgHello only; it is never logged.
	Token string `json:"token,omitempty"`
}
