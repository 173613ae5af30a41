package incident

import (
	"fmt"
	"strings"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

// FromAlert opens an incident for an agent's alert; id is the incident's
// own id, chosen by the caller.
func FromAlert(id string, a envelope.Alert, now time.Time) (Incident, Step) {
	i := Incident{
		ID: id, AlertID: a.AlertID, Site: a.Site, Terminal: a.Terminal,
		Kind: kindOf(a.Kind), Level: levelOf(a.Level), State: StateNew,
		Created: now, Updated: now, NotifiedAt: now, RungAt: now, Raised: time.Time(a.TS),
	}
	i.absorb(a)
	return i, i.step(now, ActorSystem, ActionRaised, summary(a))
}

// Fold merges an alert_update (same alert_id) into the incident: the level
// only rises, reasons accumulate, the transaction's state and hold follow
// the latest word. A resolved incident keeps its outcome; the update is
// still recorded as a step.
func (i *Incident) Fold(a envelope.Alert, now time.Time) Step {
	if levelOf(a.Level) == LevelHigh && i.Level != LevelHigh {
		i.Level = LevelHigh // escalation starts from now
		i.NotifiedAt, i.RungAt = now, now
	}
	i.absorb(a)
	i.Updated = now
	return i.step(now, ActorSystem, ActionUpdated, summary(a))
}

// absorb copies what the alert says about customer, transaction and reasons.
func (i *Incident) absorb(a envelope.Alert) {
	i.Score = max(i.Score, a.Score)
	i.HeldEver = i.HeldEver || a.Held
	if ts := time.Time(a.TS); !ts.Before(i.LastAlert) { // delivery order is not kept: newest word wins
		i.LastAlert, i.Held = ts, a.Held
		if a.State != "" {
			i.TxnState = a.State
		}
	}
	if a.Session != "" {
		i.Session = a.Session
	}
	if a.Channel != "" {
		i.Channel = a.Channel
	}
	for _, r := range a.Reasons {
		if !hasRule(i.Reasons, r.Rule) {
			i.Reasons = append(i.Reasons, r)
		}
	}
	if c := a.Customer; c != nil {
		if c.Age != nil {
			i.Age = *c.Age
		}
		i.Card = first(c.Card, i.Card)
		i.CardKey = first(c.CardKey, i.CardKey)
	}
	if t := a.Txn; t != nil {
		i.AmountMinor = max(t.AmountMinor, i.AmountMinor)
		i.Currency = first(t.Currency, i.Currency)
		i.Payee = first(t.Payee, i.Payee)
		i.PayeeKey = first(t.PayeeKey, i.PayeeKey)
	}
}

// ValidateAlert reports what makes an alert unusable: an incident needs an
// id to de-duplicate on, an alert_id to fold on, and the terminal it is at.
func ValidateAlert(a envelope.Alert) error {
	var miss []string
	for name, v := range map[string]string{"id": a.ID, "alert_id": a.AlertID, "site": a.Site, "terminal": a.Terminal} {
		if v == "" {
			miss = append(miss, name)
		}
	}
	if len(miss) > 0 {
		return fmt.Errorf("incident: alert lacks %s", strings.Join(miss, ", "))
	}
	if a.Type != wire.TypeAlert && a.Type != wire.TypeAlertUpdate {
		return fmt.Errorf("incident: alert type %q is neither alert nor alert_update", a.Type)
	}
	return nil
}

// kindOf maps an alert kind to an incident kind; unknown kinds count as risk.
func kindOf(k wire.AlertKind) string {
	switch k {
	case wire.KindPanic, wire.KindTamper, wire.KindHelp:
		return string(k)
	}
	return KindRisk
}

// levelOf maps an alert level; anything but "high" is medium.
func levelOf(l wire.Level) string {
	if l == wire.LevelHigh {
		return LevelHigh
	}
	return LevelMedium
}

func hasRule(rs []envelope.Reason, rule string) bool {
	for _, r := range rs {
		if r.Rule == rule {
			return true
		}
	}
	return false
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// summary is the detail of a raised/updated step.
func summary(a envelope.Alert) string {
	s := string(a.Type) + " " + string(a.Kind) + " " + string(a.Level)
	if a.State != "" {
		s += " txn " + a.State
	}
	if a.Held {
		s += " held"
	}
	return s
}
