package incident

import (
	"fmt"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
)

// Sighting is a card or payee key seen in an alert at a terminal.
type Sighting struct {
	Key        string
	Site       string
	Terminal   string
	IncidentID string
	Held       bool
	At         time.Time
}

// Keys are the correlation keys an incident carries, card first.
func (i *Incident) Keys() []string {
	var ks []string
	for _, k := range []string{i.CardKey, i.PayeeKey} {
		if k != "" {
			ks = append(ks, k)
		}
	}
	return ks
}

// FollowMatch picks, among earlier sightings of the incident's keys, one
// where the same card or payee was held at another terminal within window
// before now: the victim was sent on to the next machine. ok is false when
// there is none.
func FollowMatch(i *Incident, prior []Sighting, window time.Duration, now time.Time) (Sighting, bool) {
	for _, s := range prior {
		sameTerminal := s.Site == i.Site && s.Terminal == i.Terminal
		if s.IncidentID == i.ID || sameTerminal || !s.Held || now.Sub(s.At) > window || s.At.After(now) {
			continue
		}
		return s, true
	}
	return Sighting{}, false
}

// FromFollow opens the follow-up incident for a match: high level, at the
// new terminal, pointing at the incident where the victim was held.
func FromFollow(id string, cur *Incident, s Sighting, now time.Time) (Incident, Step) {
	what := "card"
	if s.Key == cur.PayeeKey && s.Key != cur.CardKey {
		what = "payee"
	}
	text := fmt.Sprintf("Same %s was held at %s/%s %s ago: the customer may have been sent on",
		what, s.Site, s.Terminal, now.Sub(s.At).Round(time.Second))
	i := Incident{
		ID: id, AlertID: "follow:" + cur.AlertID, Site: cur.Site, Terminal: cur.Terminal,
		Kind: KindFollowUp, Level: LevelHigh, Score: cur.Score, Channel: cur.Channel, Session: cur.Session,
		Age: cur.Age, Card: cur.Card, Payee: cur.Payee, AmountMinor: cur.AmountMinor, Currency: cur.Currency,
		Held: cur.Held, CardKey: cur.CardKey, PayeeKey: cur.PayeeKey, FollowOf: s.IncidentID,
		State: StateNew, Created: now, Updated: now, Raised: now, NotifiedAt: now, RungAt: now,
		Reasons: []envelope.Reason{{Rule: "follow-the-victim", Text: text}},
	}
	return i, i.step(now, ActorSystem, ActionRaised, "follow-up of "+s.IncidentID)
}
