// Package incident is the pure core of tgdispatch: what an incident is, the
// steps of its life (new → claimed → arrived → resolved), the escalation
// ladder for alerts nobody answers, the incidents a terminal's health
// raises, and the "follow the victim" match across terminals. It reads no
// clock and does no I/O: every function is given the time, so an escalation
// that fires after five minutes is tested in microseconds.
package incident

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

// Kinds of incident, as stored. Risk, panic, tamper and help come from
// agent alerts; the others are raised by tgdispatch itself. The words are
// the wire vocabulary's (agent/wire), named here as stored strings.
const (
	KindRisk     = string(wire.KindRisk)
	KindPanic    = string(wire.KindPanic)
	KindTamper   = string(wire.KindTamper)
	KindHelp     = string(wire.KindHelp)
	KindOffline  = string(wire.KindOffline)
	KindLinkDown = string(wire.KindLinkDown)
	KindUIDown   = string(wire.KindUIDown)
	KindStorage  = string(wire.KindStorage)
	KindFollowUp = string(wire.KindFollowUp)
)

// Levels, as in the alert envelope.
const (
	LevelMedium = string(wire.LevelMedium)
	LevelHigh   = string(wire.LevelHigh)
)

// States of an incident.
const (
	StateNew      = "new"
	StateClaimed  = string(wire.DispatchClaimed)
	StateArrived  = string(wire.DispatchArrived)
	StateResolved = string(wire.DispatchResolved)
)

// Outcomes a resolution must name.
const (
	OutcomeFraudStopped      = "fraud_stopped"
	OutcomeCustomerProceeded = "customer_proceeded"
	OutcomeFalseAlarm        = "false_alarm"
	OutcomeCustomerLeft      = "customer_left" // gone before anyone could speak to them
	OutcomeOther             = "other"
)

// Outcomes lists the outcomes in the order a console offers them.
var Outcomes = []string{OutcomeFraudStopped, OutcomeCustomerProceeded, OutcomeCustomerLeft, OutcomeFalseAlarm, OutcomeOther}

// Actions recorded as steps.
const (
	ActionRaised     = "raised"
	ActionUpdated    = "updated"
	ActionClaimed    = "claimed"
	ActionArrived    = "arrived"
	ActionResolved   = "resolved"
	ActionRenotified = "renotified"
	ActionEscalated  = "escalated"
	ActionRecovered  = "recovered"
	ActionSession    = "session"
)

// ActorSystem attributes the steps tgdispatch takes on its own.
const ActorSystem = "system"

// ErrTransition is returned for a step the incident's state does not allow
// (claiming a resolved incident, arriving before anyone claimed it).
var ErrTransition = errors.New("incident: step not allowed in this state")

// ErrOutcome is returned for an unknown outcome, or "other" with no note.
var ErrOutcome = errors.New("incident: outcome must be fraud_stopped, customer_proceeded, customer_left, false_alarm, or other with a note")

// Incident is one thing a guard must look at: an alert (all its updates
// folded in), a terminal that went offline, a follow-up of a held victim.
// Card and payee appear masked only, as the alert carried them.
type Incident struct {
	ID       string
	AlertID  string // the agent's alert_id; for incidents raised here, a stable id of our own
	Site     string
	Terminal string
	Kind     string
	Level    string
	Score    int
	Reasons  []envelope.Reason
	Channel  string
	Session  string

	Age         int // 0 when unknown
	Card        string
	Payee       string
	AmountMinor int64
	Currency    string
	Held        bool // held now, as the latest alert said
	// HeldEver: some alert of the incident said held. The last update of
	// a session says held:false once the terminal released the hold, so
	// the money a rule held is counted from this (dispatch/report).
	HeldEver bool
	TxnState string
	CardKey  string
	PayeeKey string
	FollowOf string // the incident this one follows (KindFollowUp)

	State      string
	Outcome    string
	Note       string
	ClaimedBy  string
	ResolvedBy string
	ETAS       int

	Raised     time.Time // the alert's own time
	LastAlert  time.Time // the newest alert time folded in; a late older update does not undo it
	Created    time.Time // when tgdispatch opened it
	Updated    time.Time
	ClaimedAt  time.Time
	ArrivedAt  time.Time
	ResolvedAt time.Time

	Rung       int       // escalation rung reached; 0 is the first
	RungAt     time.Time // when the current rung was first told
	NotifiedAt time.Time // last (re)notification of the current rung
	Overdue    bool      // claimed and not arrived in time; escalated once
	Due        time.Time // next escalation check; zero when none pending
	Version    int       // optimistic concurrency in the store
}

// Step is one timestamped, attributed entry of an incident's story.
type Step struct {
	ID         string
	IncidentID string
	At         time.Time
	Actor      string
	Action     string
	Detail     string
}

// Open tells whether the incident still needs someone.
func (i *Incident) Open() bool { return i.State != StateResolved }

// FromAgent tells whether the incident stands for an agent's alert, so its
// steps are sent back to the terminal on the dispatch topic.
func (i *Incident) FromAgent() bool {
	return i.Kind == KindRisk || i.Kind == KindPanic || i.Kind == KindTamper || i.Kind == KindHelp
}

// Claim records that guard is on the way, expected in etaS seconds.
func (i *Incident) Claim(guard string, etaS int, now time.Time) (Step, error) {
	if i.State != StateNew || guard == "" {
		return Step{}, fmt.Errorf("claim %s in state %s: %w", i.ID, i.State, ErrTransition)
	}
	i.State, i.ClaimedBy, i.ClaimedAt, i.ETAS, i.Updated = StateClaimed, guard, now, max(etaS, 0), now
	detail := ""
	if etaS > 0 {
		detail = fmt.Sprintf("eta %ds", etaS)
	}
	return i.step(now, guard, ActionClaimed, detail), nil
}

// Arrive records that guard reached the customer.
func (i *Incident) Arrive(guard string, now time.Time) (Step, error) {
	if i.State != StateClaimed || guard == "" {
		return Step{}, fmt.Errorf("arrive %s in state %s: %w", i.ID, i.State, ErrTransition)
	}
	i.State, i.ArrivedAt, i.Updated = StateArrived, now, now
	return i.step(now, guard, ActionArrived, ""), nil
}

// Resolve closes the incident with an outcome; "other" needs a note.
func (i *Incident) Resolve(actor, outcome, note string, now time.Time) (Step, error) {
	if !ValidOutcome(outcome) || (outcome == OutcomeOther && note == "") {
		return Step{}, ErrOutcome
	}
	if i.State == StateResolved || actor == "" {
		return Step{}, fmt.Errorf("resolve %s in state %s: %w", i.ID, i.State, ErrTransition)
	}
	i.State, i.Outcome, i.Note, i.ResolvedBy, i.ResolvedAt, i.Updated = StateResolved, outcome, note, actor, now, now
	i.Due = time.Time{}
	return i.step(now, actor, ActionResolved, outcome+optional(": ", note)), nil
}

// ValidOutcome tells whether s is one of the outcomes.
func ValidOutcome(s string) bool {
	return slices.Contains(Outcomes, s)
}

// step builds a Step of this incident; the store gives it its ID.
func (i *Incident) step(at time.Time, actor, action, detail string) Step {
	return Step{IncidentID: i.ID, At: at, Actor: actor, Action: action, Detail: detail}
}

// optional returns prefix+s, or "" when s is empty.
func optional(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}
