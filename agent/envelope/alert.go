package envelope

import (
	"encoding/json"
	"time"

	"github.com/transferguard/transferguard/agent/wire"
)

// Time is a timestamp that marshals as RFC 3339 UTC with milliseconds,
// "2026-11-26T10:00:00.123Z", as every envelope shows it.
type Time time.Time

// TimeLayout is the wire form of Time.
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// MarshalJSON writes the UTC millisecond form.
func (t Time) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format(TimeLayout) + `"`), nil
}

// UnmarshalJSON reads any RFC 3339 time.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	v, err := time.Parse(`"`+time.RFC3339Nano+`"`, string(b))
	*t = Time(v)
	return err
}

// Alert is the alert envelope of CONTRACT §4, published on …/alert as
// type "alert" when raised and "alert_update" with the same AlertID when
// it changes. Numbers are masked; CardKey and PayeeKey are keyed hashes.
type Alert struct {
	V        int              `json:"v"`
	ID       string           `json:"id"`
	Type     wire.MessageType `json:"type"`
	AlertID  string           `json:"alert_id"`
	TS       Time             `json:"ts"`
	Site     string           `json:"site"`
	Terminal string           `json:"terminal"`
	Session  string           `json:"session,omitempty"`
	Kind     wire.AlertKind   `json:"kind"`
	Level    wire.Level       `json:"level"`
	Score    int              `json:"score"`
	Reasons  []Reason         `json:"reasons"`
	Channel  string           `json:"channel,omitempty"`
	Customer *Customer        `json:"customer,omitempty"`
	Txn      *Txn             `json:"txn,omitempty"`
	Held     bool             `json:"held"`
	// State is where the transaction stands: open, confirmed, cancelled,
	// done_ok, done_fail, ended (an addition to CONTRACT §4).
	State string `json:"state,omitempty"`
	// Choice is the customer's last choice on the transfer warning
	// (continue, stop, help), so a console sees "the customer stopped".
	Choice string `json:"choice,omitempty"`
	// EndReason says why the session closed, on the final alert_update
	// (state ended): end, controller_restart, replaced, agent_restart.
	EndReason string `json:"end_reason,omitempty"`
}

// Reason is one rule that fired, with its text in the alert language.
type Reason struct {
	Rule string `json:"rule"`
	Text string `json:"text"`
}

// Customer is what an alert says of the customer.
type Customer struct {
	Age     *int   `json:"age,omitempty"`
	Card    string `json:"card,omitempty"` // masked 6+4
	Region  string `json:"region,omitempty"`
	CardKey string `json:"card_key,omitempty"`
}

// Txn is what an alert says of the transaction.
type Txn struct {
	Fn          string `json:"fn,omitempty"`
	AmountMinor int64  `json:"amount_minor"`
	Currency    string `json:"currency"`
	Payee       string `json:"payee,omitempty"` // masked 6+4
	PayeeListed bool   `json:"payee_listed"`
	PayeeNew    bool   `json:"payee_new"`
	PayeeKey    string `json:"payee_key,omitempty"`
}

// SessionRecord is the audit summary published on …/session for every
// session that showed a warning or raised an alert (panic and tamper
// alerts included). State is where the transaction ended up (open,
// confirmed, cancelled, done_ok, done_fail) — never "ended", which every
// record is; EndReason says why the session closed.
type SessionRecord struct {
	V         int              `json:"v"`
	ID        string           `json:"id"`
	Type      wire.MessageType `json:"type"` // "session"
	TS        Time             `json:"ts"`
	Site      string           `json:"site"`
	Terminal  string           `json:"terminal"`
	Session   string           `json:"session"`
	Channel   string           `json:"channel"`
	Lang      string           `json:"lang"`
	Started   Time             `json:"started"`
	Ended     Time             `json:"ended"`
	EndReason string           `json:"end_reason"` // end, controller_restart, replaced
	State     string           `json:"state"`
	// AlertID is the session's main alert: its risk alert, else its help
	// alert, else the first panic or tamper alert. AlertIDs lists every
	// alert the session raised, in order.
	AlertID  string     `json:"alert_id,omitempty"`
	AlertIDs []string   `json:"alert_ids,omitempty"`
	Level    wire.Level `json:"level,omitempty"`
	// Choice is the customer's last choice on the transfer warning
	// (CONTRACT §6) and ChoiceBy how it was made.
	Choice   string        `json:"choice"`
	ChoiceBy string        `json:"choice_by,omitempty"`
	Score    int           `json:"score"`
	Rules    []string      `json:"rules,omitempty"`
	Screens  []ScreenShown `json:"screens"`
	// Answers are the questions put to the customer, in the order asked.
	Answers []Answer `json:"answers,omitempty"`
	// Inputs are the rule inputs the session was decided on, one snapshot
	// per evaluation that changed one: the first whole, each later one
	// only the changed fields (agent/rules.Trace; CONTRACT §13).
	// InputsDropped counts snapshots left out by the bound of 64.
	Inputs        []json.RawMessage `json:"inputs,omitempty"`
	InputsDropped int               `json:"inputs_dropped,omitempty"`
}

// ScreenShown is one screen in a session's audit: when it appeared, how
// long it stayed, and how it was acknowledged (key, touch, click, staff,
// cancel, or "" when it simply gave way to the next screen).
type ScreenShown struct {
	Name       wire.ScreenName `json:"name"`
	Shown      Time            `json:"shown"`
	DurationMS int64           `json:"duration_ms"`
	Ack        string          `json:"ack,omitempty"`
	// Choice is the choice made on this screen (continue, stop, help).
	Choice    string `json:"choice,omitempty"`
	EarlyAcks int    `json:"early_acks,omitempty"`
	// Drawn is when tgscreen reported the screen drawn: proof the customer
	// could see it. Absent with --ui none or when the display was down.
	Drawn *Time `json:"drawn,omitempty"`
}

// Values of SessionRecord.Choice besides the choice ids of agent/screen,
// and of ChoiceBy.
const (
	ChoiceNone    = "none"  // the session made no choice on a warning
	ChoiceByKey   = "key"   // a terminal key (KEY frame) or the screen's keyboard
	ChoiceByTouch = "touch" // a touch or click inside the button
)
