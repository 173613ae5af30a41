// Package screen is the agent's decision of what the customer sees, as data:
// the core fills a Screen with resolved texts, and a display (the tgscreen
// process, a log line, a test) only has to draw it. Keeping texts resolved
// here means a configuration change never reaches a screen already shown.
package screen

import (
	"time"

	"github.com/transferguard/transferguard/agent/wire"
)

// Names lists every screen with shipped texts, in the order a preview or a
// test walks them.
var Names = []wire.ScreenName{wire.ScreenStandby, wire.ScreenReminder, wire.ScreenTransferWarning,
	wire.ScreenHighRisk, wire.ScreenStaffComing}

// Tone selects the palette: what the screen asks of the customer decides
// its colours, never the text.
type Tone string

// Tones, from calm to urgent.
const (
	ToneInfo   Tone = "info"
	ToneWarn   Tone = "warn"
	ToneDanger Tone = "danger"
)

// Screen is one full-screen state. Seq increases with every decision so a
// display that reconnects can tell a new screen from a repeat.
type Screen struct {
	Seq   uint64          `json:"seq"`
	Name  wire.ScreenName `json:"name"`
	SID   string          `json:"sid,omitempty"`
	Lang  string          `json:"lang"`
	Tone  Tone            `json:"tone"`
	Title string          `json:"title"`
	// Lines are the body paragraphs, most important first; a display wraps
	// them but never drops one.
	Lines []string `json:"lines"`
	// Footer is the small print (hotline, revocation notice).
	Footer string `json:"footer,omitempty"`
	// CountdownMS is the cooling-off left when the screen was decided; the
	// display counts it down with its own clock. Zero: no countdown.
	CountdownMS int64 `json:"countdown_ms,omitempty"`
	// CountdownLabel is the text shown beside the running countdown and
	// AckPrompt the text shown once it reaches zero, when Ack is true.
	CountdownLabel string `json:"countdown_label,omitempty"`
	Ack            bool   `json:"ack,omitempty"`
	AckPrompt      string `json:"ack_prompt,omitempty"`
	// Voice names the spoken clip to play once when the screen appears.
	Voice string `json:"voice,omitempty"`
	// Decided is when the agent decided the screen (its clock).
	Decided time.Time `json:"decided"`
}
