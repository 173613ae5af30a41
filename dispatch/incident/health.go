package incident

import (
	"fmt"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

// Change is a terminal health condition that started (Raise) or ended.
type Change struct {
	Kind  string // KindOffline, KindLinkDown, KindUIDown, KindStorage
	Raise bool
}

// HealthChanges compares a terminal's previous status (nil when never seen)
// with the one just received and says which conditions start or end.
// A Last Will that carries another run's boot id while this run is online
// is stale and changes nothing. While offline, link and ui are unknown.
func HealthChanges(prev *envelope.Status, cur envelope.Status) []Change {
	if prev != nil && prev.State == "online" && cur.State == "offline" && cur.Boot != prev.Boot {
		return nil // a late Will of an earlier run
	}
	was := conditions(prev)
	now := conditions(&cur)
	var out []Change
	for _, k := range []string{KindOffline, KindLinkDown, KindUIDown, KindStorage} {
		switch {
		case now[k] && !was[k]:
			out = append(out, Change{Kind: k, Raise: true})
		case was[k] && !now[k] && (k == KindOffline || cur.State == "online"):
			out = append(out, Change{Kind: k, Raise: false})
		}
	}
	return out
}

// conditions lists the bad conditions a status shows.
func conditions(s *envelope.Status) map[string]bool {
	c := map[string]bool{}
	if s == nil {
		return c
	}
	if s.State == "offline" {
		c[KindOffline] = true
		return c
	}
	c[KindLinkDown] = s.Link == "down"
	c[KindUIDown] = s.UI == "down"
	c[KindStorage] = s.Storage == string(wire.StorageDegraded)
	return c
}

// FromHealth opens an incident for a health condition of a terminal.
// Offline and a dead link are high (a terminal nobody watches), a dead
// screen medium. alertID must be stable for this occurrence so that two
// instances handling the same status open one incident.
func FromHealth(id, alertID, site, terminal, kind string, now time.Time) (Incident, Step) {
	level := LevelHigh
	if kind == KindUIDown || kind == KindStorage {
		level = LevelMedium
	}
	i := Incident{
		ID: id, AlertID: alertID, Site: site, Terminal: terminal, Kind: kind, Level: level,
		State: StateNew, Created: now, Updated: now, Raised: now, NotifiedAt: now, RungAt: now,
		Reasons: []envelope.Reason{{Rule: kind, Text: healthText[kind]}},
	}
	return i, i.step(now, ActorSystem, ActionRaised, kind)
}

// healthText is the plain-words reason of each health incident.
var healthText = map[string]string{
	KindOffline:  "Terminal agent is offline: nobody is watching this terminal",
	KindLinkDown: "Serial link to the terminal controller is down",
	KindUIDown:   "Customer screen process is down",
	KindStorage:  "Agent storage degraded (disk full, read-only or damaged): alerts are held in memory and lost if the agent restarts",
}

// Recover records that the condition ended. An incident nobody claimed is
// resolved by the system; a claimed one stays for its guard to close.
func (i *Incident) Recover(now time.Time) Step {
	i.Updated = now
	if i.State == StateNew {
		i.State, i.Outcome, i.Note, i.ResolvedBy, i.ResolvedAt = StateResolved, OutcomeOther, "recovered by itself", ActorSystem, now
		i.Due = time.Time{}
	}
	return i.step(now, ActorSystem, ActionRecovered, fmt.Sprintf("%s ended", i.Kind))
}
