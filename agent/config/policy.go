// Package config is the one configuration schema of the agent: the shipped
// defaults (configs/default.yaml), the local --config file and every signed
// remote document go through the same path — deep merge, strict decode
// (an unknown key is an error that names it), validation that collects every
// problem with its field path and compiles every rule — before anything
// changes. Build does no I/O.
package config

import (
	"time"

	"github.com/transferguard/transferguard/agent/rules"
	"github.com/transferguard/transferguard/agent/wire"
)

// Policy is the effective configuration: everything the agent decides by.
// A *Policy is immutable once built; a change builds a new one.
type Policy struct {
	Timezone    string             `json:"timezone"`
	Timings     Timings            `json:"timings"`
	Alerts      Alerts             `json:"alerts"`
	Languages   []string           `json:"languages"`
	DefaultLang string             `json:"default_lang"`
	Rules       map[string]*Rule   `json:"rules"`
	Watchlist   WatchlistConfig    `json:"watchlist"`
	Screens     map[string]Screens `json:"screens"`
	// HelpKey is the terminal key (F1…F8) that asks for staff on the
	// transfer warning (CONTRACT §6); the button's label names it.
	HelpKey string `json:"help_key"`
	// SiteRegion is the 6-digit administrative code of the terminal's own
	// location, the rule variable site_region ("" when not configured). It
	// is a top-level key because "site" is the site id in the header of
	// signed documents.
	SiteRegion string `json:"site_region"`
	// Questions are put to the customer on the ATM screen or through the
	// teller (CONTRACT §8, §15); agent/config/questions.go.
	Questions map[string]*Question `json:"questions"`
	// TellerAdvice is what an ADVICE frame tells a teller when the session's
	// level changes, by advice level (info, caution, stop) and language.
	TellerAdvice map[string]map[string]string `json:"teller_advice"`

	loc      *time.Location
	ordered  []*Rule
	orderedQ []*Question
}

// Timings are the durations of the customer-facing flow, in seconds so a
// YAML author cannot mistake the unit.
type Timings struct {
	ReminderS       int `json:"reminder_s"`
	CoolingOffS     int `json:"cooling_off_s"`
	LinkTimeoutS    int `json:"link_timeout_s"`
	HeartbeatS      int `json:"heartbeat_s"`
	EarlyAckGraceMS int `json:"early_ack_grace_ms"`
}

// Alerts sets when a session becomes an alert and a HOLD.
type Alerts struct {
	Medium    int    `json:"medium"`
	High      int    `json:"high"`
	HoldLevel string `json:"hold_level"` // HoldLevelNone or a wire.Level
	Lang      string `json:"lang"`
	// CorrelationKey is a hex HMAC-SHA-256 key shared by the fleet; when
	// set, alerts carry card_key and payee_key so consoles can follow a
	// victim across terminals without holding the numbers.
	CorrelationKey string `json:"correlation_key"`
}

// Rule is one risk rule: when its condition holds, the session gains
// Score and the alert gains Text as a reason.
type Rule struct {
	ID      string            `json:"-"`
	When    string            `json:"when"`
	Score   int               `json:"score"`
	Enabled *bool             `json:"enabled,omitempty"`
	Text    map[string]string `json:"text"`
	Advice  map[string]string `json:"advice"`

	prog *rules.Program
}

// Program is the compiled condition; nil only on a Rule that was not built.
func (r *Rule) Program() *rules.Program { return r.prog }

// On reports whether the rule takes part in scoring.
func (r *Rule) On() bool { return r.Enabled == nil || *r.Enabled }

// WatchlistConfig is a local watchlist (for tests and demos); signed remote
// watchlists add to it.
type WatchlistConfig struct {
	Accounts []string `json:"accounts"`
	Phones   []string `json:"phones"`
}

// Screens are the texts of every screen in one language.
type Screens struct {
	Standby         ScreenText `json:"standby"`
	Reminder        ScreenText `json:"reminder"`
	TransferWarning ScreenText `json:"transfer_warning"`
	HighRisk        ScreenText `json:"high_risk"`
	StaffComing     ScreenText `json:"staff_coming"`
	StaffArrived    ScreenText `json:"staff_arrived"`
	Stopped         ScreenText `json:"stopped"`
	HelpComing      ScreenText `json:"help_coming"`
}

// ScreenNames are the screens every language must have texts for, in the
// order a preview walks them.
var ScreenNames = []wire.ScreenName{wire.ScreenStandby, wire.ScreenReminder, wire.ScreenTransferWarning,
	wire.ScreenHighRisk, wire.ScreenStaffComing, wire.ScreenStaffArrived, wire.ScreenStopped, wire.ScreenHelpComing}

// ScreenText is what one screen says. Placeholders {s}, {guard}, {eta}
// and {key} are filled by the agent; a line whose placeholder has no value
// is left out.
type ScreenText struct {
	Title string   `json:"title"`
	Lines []string `json:"lines"`
	// Note is the way out, always the last paragraph (the 24-hour
	// revocation, "call 110"): rule advice may push lines off a small
	// screen, never the note.
	Note           string `json:"note"`
	Footer         string `json:"footer"`
	CountdownLabel string `json:"countdown_label"`
	AckPrompt      string `json:"ack_prompt"`
	// Choices are the button labels by choice id (continue, stop, help);
	// each names its key, and {key} is the configured help key.
	Choices map[string]string `json:"choices"`
	// Guard is who {guard} names when the console gave no display name
	// ("工作人员"): the customer never sees a guard's login name.
	Guard string `json:"guard"`
	Voice string `json:"voice"`
}

// ByName returns the texts of the screen called name (agent/screen names).
func (s Screens) ByName(name wire.ScreenName) (ScreenText, bool) {
	switch name {
	case wire.ScreenStandby:
		return s.Standby, true
	case wire.ScreenReminder:
		return s.Reminder, true
	case wire.ScreenTransferWarning:
		return s.TransferWarning, true
	case wire.ScreenHighRisk:
		return s.HighRisk, true
	case wire.ScreenStaffComing:
		return s.StaffComing, true
	case wire.ScreenStaffArrived:
		return s.StaffArrived, true
	case wire.ScreenStopped:
		return s.Stopped, true
	case wire.ScreenHelpComing:
		return s.HelpComing, true
	}
	return ScreenText{}, false
}

// Location is the policy's time zone, for rules on the hour of day.
func (p *Policy) Location() *time.Location { return p.loc }

// OrderedRules returns the enabled rules sorted by id, so evaluation and
// reasons come out in a stable order.
func (p *Policy) OrderedRules() []*Rule { return p.ordered }

// Lang returns lang when the policy has screens for it, else the default.
func (p *Policy) Lang(lang string) string {
	if _, ok := p.Screens[lang]; ok && lang != "" {
		return lang
	}
	return p.DefaultLang
}

// Seconds converts a whole number of seconds from the policy to a Duration.
func Seconds(s int) time.Duration { return time.Duration(s) * time.Second }

// HoldLevelNone in alerts.hold_level: alerts never HOLD the transaction.
const HoldLevelNone = "none"
