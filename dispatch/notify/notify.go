// Package notify tells people outside the console about incidents
// (CONTRACT §10): each rung of the escalation ladder names channels — a
// signed webhook, a WeCom, DingTalk or Feishu group robot, e-mail — and
// every raised, renotified, escalated, claimed, arrived and resolved step
// is delivered to the channels of every rung the incident has reached.
// One subpackage per kind of channel implements Channel; this package
// holds the message, the outbox worker and its delivery model.
//
// # Delivery model
//
//   - Written with the step. dispatch/service enqueues a notification row
//     (dispatch/store, table notifications) in the same transaction that
//     writes the step: a step is never kept without its notifications, nor
//     a notification sent for a step that was rolled back. The row holds
//     the rendered message, so what is sent is the incident as it was at
//     that step.
//   - At least once, once in practice. A worker claims a row with a lease
//     (UPDATE … WHERE claimed_until < now): of several instances sharing a
//     PostgreSQL database one wins each row. The row is deleted, and a
//     "notified" step added, in one transaction after the far end accepted
//     it. An instance that dies between the far end's answer and that
//     commit leaves the row to be sent again once the lease runs out, so a
//     receiver may see a message twice after a crash; the body's "id" is
//     the same both times, to de-duplicate on.
//   - In order per channel. Each channel is worked by one goroutine (per
//     instance) that sends its oldest row first and does not pass a row
//     that is waiting for a retry or leased by another instance: a
//     receiver sees an incident's events in the order they happened.
//   - Retried with backoff. A failed send (network error, timeout, a non-2xx
//     answer, a robot's non-zero errcode) is tried again after Backoff,
//     doubling up to MaxBackoff, until RetryFor (default 15 min, the
//     contract asks ≥ 10 min) has passed since the row was written; then
//     it is given up with a "notify_failed" step and an error log line.
//     Rows survive a restart: they are in the database, not in memory.
//   - Bounded. A channel holds at most MaxPending rows (default 1000); past
//     that its oldest rows are given up first, each with a notify_failed
//     step and a log line, because the newest events (a claim, an
//     escalation) matter more than a stale "renotified". Delivered and
//     given-up rows are deleted at once; the steps are the record.
//   - Isolated. Every send has its own Timeout (default 10 s); a dead or
//     slow channel stalls only its own goroutine, never another channel,
//     the incident transaction (which only inserts rows) or the console.
//
// # Trust model
//
// Secrets (webhook signing keys, robot signing secrets, SMTP passwords)
// are read from environment variables named in the configuration, never
// from the YAML itself, and never logged: errors carry no URL (a robot's
// URL holds its access key). Messages carry no card or account number,
// not even masked: a guard opens the console for those.
package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/dispatch/incident"
)

// Channel delivers messages to one destination. Send returns nil only when
// the far end accepted the message; it must return when ctx ends (the
// worker bounds each call by its Timeout). The worker calls Send from one
// goroutine at a time per channel, so a Channel need not be safe for
// concurrent use by itself.
type Channel interface {
	Send(ctx context.Context, m Message) error
}

// Version is the "v" of the message body.
const Version = 1

// Message is the body of the generic webhook (CONTRACT §10) and what the
// robot and e-mail channels render as text. ID and TS are additions to the
// contract's fields: ID is stable across retries, to de-duplicate on.
type Message struct {
	V        int     `json:"v"`
	ID       string  `json:"id"`
	Event    string  `json:"event"`
	Rung     string  `json:"rung"`
	TS       string  `json:"ts"`
	Incident Summary `json:"incident"`
}

// Summary is what a message says about the incident: enough to decide who
// goes, and a link to the console for everything else.
type Summary struct {
	ID          string            `json:"id"`
	AlertID     string            `json:"alert_id"`
	Site        string            `json:"site"`
	Terminal    string            `json:"terminal"`
	Location    string            `json:"location"`
	Kind        string            `json:"kind"`
	Level       string            `json:"level"`
	State       string            `json:"state"`
	Reasons     []envelope.Reason `json:"reasons"`
	Age         int               `json:"age"`
	AmountMinor int64             `json:"amount_minor"`
	Currency    string            `json:"currency"`
	Held        bool              `json:"held"`
	URL         string            `json:"url"`
}

// NewMessage builds the message for one step of an incident told to one
// rung. location is the terminal's place as configured; consoleURL the
// console's base URL ("" leaves url empty).
func NewMessage(id string, s incident.Step, rung string, i *incident.Incident, location, consoleURL string) Message {
	reasons := i.Reasons
	if reasons == nil {
		reasons = []envelope.Reason{}
	}
	url := ""
	if consoleURL != "" {
		url = strings.TrimSuffix(consoleURL, "/") + "/incidents/" + i.ID
	}
	return Message{V: Version, ID: id, Event: s.Action, Rung: rung, TS: s.At.UTC().Format(time.RFC3339Nano),
		Incident: Summary{ID: i.ID, AlertID: i.AlertID, Site: i.Site, Terminal: i.Terminal, Location: location,
			Kind: i.Kind, Level: i.Level, State: i.State, Reasons: reasons, Age: i.Age,
			AmountMinor: i.AmountMinor, Currency: i.Currency, Held: i.Held, URL: url}}
}

// Decode reads a stored message body.
func Decode(b []byte) (Message, error) {
	var m Message
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("notify: decode message: %w", err)
	}
	return m, nil
}

// Title is a one-line headline: what happened, where, how bad.
func (m Message) Title() string {
	i := m.Incident
	where := i.Site + "/" + i.Terminal
	if i.Location != "" {
		where += " (" + i.Location + ")"
	}
	return fmt.Sprintf("[transferguard] %s: %s %s at %s", m.Event, i.Level, i.Kind, where)
}

// Lines are the message's details, one fact a line, for robots and mail.
func (m Message) Lines() []string {
	i := m.Incident
	lines := []string{"rung: " + m.Rung, "state: " + i.State}
	if i.Age > 0 {
		lines = append(lines, fmt.Sprintf("customer age: %d", i.Age))
	}
	if i.AmountMinor > 0 {
		lines = append(lines, fmt.Sprintf("amount: %d.%02d %s", i.AmountMinor/100, i.AmountMinor%100, i.Currency))
	}
	if i.Held {
		lines = append(lines, "transaction held")
	}
	for _, r := range i.Reasons {
		lines = append(lines, "reason: "+r.Text+" ("+r.Rule+")")
	}
	if i.URL != "" {
		lines = append(lines, "console: "+i.URL)
	}
	return append(lines, "incident "+i.ID+", alert "+i.AlertID+", "+m.TS)
}

// Text is Title and Lines as plain text.
func (m Message) Text() string { return m.Title() + "\n" + strings.Join(m.Lines(), "\n") }

// Clip cuts s to at most n bytes on a rune boundary (robots limit
// message size in bytes).
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
