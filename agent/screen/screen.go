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
var Names = []wire.ScreenName{wire.ScreenStandby, wire.ScreenReminder, wire.ScreenQuestion,
	wire.ScreenTransferWarning, wire.ScreenHighRisk, wire.ScreenHelpComing, wire.ScreenStaffComing,
	wire.ScreenStaffArrived, wire.ScreenStopped}

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
	// Choices are the buttons the screen offers, in reading order (CONTRACT
	// §6, §15). A display draws each as an equal, large button labelled
	// with Label (which names its terminal key), and reports a touch or
	// click inside one as an input with Choice set; a touch anywhere else
	// is reported without Choice and never chooses. Choices with
	// AfterCountdown are drawn (disabled) during the countdown and become
	// active only when it reaches zero.
	Choices []Choice `json:"choices,omitempty"`
	// Pictogram names a vector pictogram the display draws beside the
	// title, so someone who reads poorly still gets the message.
	Pictogram Pictogram `json:"pictogram,omitempty"`
	// Question is the id of the question a question screen asks
	// (CONTRACT §15: SCREEN name=question q=<id>).
	Question string `json:"question,omitempty"`
	// Voice names the spoken clip to play once when the screen appears.
	Voice string `json:"voice,omitempty"`
	// Decided is when the agent decided the screen (its clock).
	Decided time.Time `json:"decided"`
}

// Choice is one button of a screen.
type Choice struct {
	// ID is what the display reports back: continue, stop, help on the
	// transfer warning; an answer id on a question.
	ID string `json:"id"`
	// Label is the button's text, naming its key ("不转了，请按【取消】键").
	Label string `json:"label"`
	// Key is the terminal key that makes the same choice (ENTER, CANCEL,
	// F1…F8), for a display that also takes a keyboard.
	Key string `json:"key,omitempty"`
	// AfterCountdown: the button works only once the countdown is over.
	AfterCountdown bool `json:"after_countdown,omitempty"`
	// Primary marks the safe choice (stop), which a display may draw with
	// the stronger colour; all choices stay the same size.
	Primary bool `json:"primary,omitempty"`
}

// Pictogram names a vector drawing.
type Pictogram string

// Pictograms tgscreen draws.
const (
	PictogramNone     Pictogram = ""
	PictogramHangUp   Pictogram = "hang_up"  // a phone, crossed out
	PictogramShield   Pictogram = "shield"   // your money is safe
	PictogramStaff    Pictogram = "staff"    // a person coming
	PictogramStop     Pictogram = "stop"     // a raised hand
	PictogramQuestion Pictogram = "question" // a question mark
	PictogramWarning  Pictogram = "warning"  // a triangle with !
)

// Choice ids on the transfer warning (CONTRACT §6).
const (
	ChoiceContinue = "continue"
	ChoiceStop     = "stop"
	ChoiceHelp     = "help"
)
