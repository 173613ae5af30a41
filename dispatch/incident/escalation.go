package incident

import (
	"fmt"
	"time"
)

// Rung is one level of the escalation ladder: who is told, and how long
// after the previous rung was told (without a claim) this one is.
// Channels name the configured notification channels (CONTRACT §10) that
// are told of every event of an incident once it has reached this rung.
type Rung struct {
	Name     string        `yaml:"name" json:"name"`
	After    time.Duration `yaml:"after" json:"after"`
	Channels []string      `yaml:"channels" json:"channels,omitempty"`
}

// Notification actions recorded as steps of an incident's story: a
// channel accepted an event, or tgdispatch gave up telling it.
const (
	ActionNotified     = "notified"
	ActionNotifyFailed = "notify_failed"
)

// Notifies tells whether steps of this action are told to the rungs'
// channels (CONTRACT §10: raised, renotified, escalated, claimed, arrived,
// resolved).
func Notifies(action string) bool {
	switch action {
	case ActionRaised, ActionRenotified, ActionEscalated, ActionClaimed, ActionArrived, ActionResolved:
		return true
	}
	return false
}

// ChannelsUpTo lists, once each, the channels of rungs 0..rung with the
// name of the lowest rung that names each: everyone the incident has
// reached so far.
func (l Ladder) ChannelsUpTo(rung int) (channels, rungs []string) {
	seen := map[string]bool{}
	for n := 0; n <= rung && n < len(l.Rungs); n++ {
		for _, c := range l.Rungs[n].Channels {
			if !seen[c] {
				seen[c] = true
				channels, rungs = append(channels, c), append(rungs, l.Rungs[n].Name)
			}
		}
	}
	return channels, rungs
}

// Ladder is the escalation policy, PagerDuty-style. A new customer alert
// (any level) or a high health incident notifies Rungs[0] at once; while
// nobody claims it, it is
// notified again every Renotify and climbs to the next rung After its
// delay. A claimed incident with no arrival within ArriveWithin escalates
// one rung, once. Zero durations switch the matching rule off.
type Ladder struct {
	Rungs        []Rung        `yaml:"ladder" json:"ladder"`
	Renotify     time.Duration `yaml:"renotify" json:"renotify"`
	ArriveWithin time.Duration `yaml:"arrive_within" json:"arrive_within"`
}

// DefaultLadder is used when the configuration names none.
func DefaultLadder() Ladder {
	return Ladder{
		Rungs: []Rung{
			{Name: "lobby guards"},
			{Name: "branch manager", After: 2 * time.Minute},
			{Name: "police liaison", After: 3 * time.Minute},
		},
		Renotify:     time.Minute,
		ArriveWithin: 5 * time.Minute,
	}
}

// Validate names what is wrong with the ladder.
func (l Ladder) Validate() error {
	if len(l.Rungs) == 0 {
		return fmt.Errorf("escalation: ladder needs at least one rung")
	}
	for n, r := range l.Rungs {
		if r.Name == "" {
			return fmt.Errorf("escalation: ladder[%d]: name is empty", n)
		}
		if r.After < 0 || (n > 0 && r.After == 0) {
			return fmt.Errorf("escalation: ladder[%d] (%s): after must be > 0", n, r.Name)
		}
	}
	if l.Renotify < 0 || l.ArriveWithin < 0 {
		return fmt.Errorf("escalation: renotify and arrive_within must not be negative")
	}
	return nil
}

// RungName is the name of rung n, or "" past the ladder.
func (l Ladder) RungName(n int) string {
	if n < 0 || n >= len(l.Rungs) {
		return ""
	}
	return l.Rungs[n].Name
}

// Advance applies every escalation due at now to the incident, in order,
// and returns their steps; it then sets i.Due to the next time anything
// can happen (zero when nothing will).
func (l Ladder) Advance(i *Incident, now time.Time) []Step {
	var steps []Step
	for {
		s, ok := l.next(i, now)
		if !ok {
			break
		}
		steps = append(steps, s)
	}
	i.Due = l.due(i)
	return steps
}

// next applies the earliest escalation due by now, if any.
func (l Ladder) next(i *Incident, now time.Time) (Step, bool) {
	switch {
	case i.State == StateNew && l.escalates(i):
		climb, renotify := l.climbAt(i), l.renotifyAt(i)
		if !climb.IsZero() && !climb.After(now) && (renotify.IsZero() || !renotify.Before(climb)) {
			i.Rung++
			i.NotifiedAt, i.RungAt = climb, climb
			return i.step(climb, ActorSystem, ActionEscalated, "unclaimed: "+l.RungName(i.Rung)), true
		}
		if !renotify.IsZero() && !renotify.After(now) {
			i.NotifiedAt = renotify
			return i.step(renotify, ActorSystem, ActionRenotified, "unclaimed: "+l.RungName(i.Rung)), true
		}
	case i.State == StateClaimed && !i.Overdue && l.ArriveWithin > 0:
		at := i.ClaimedAt.Add(l.ArriveWithin)
		if !at.After(now) {
			i.Overdue = true
			i.Rung = min(i.Rung+1, len(l.Rungs)-1)
			i.NotifiedAt, i.RungAt = at, at
			detail := fmt.Sprintf("no arrival within %s: %s", l.ArriveWithin, l.RungName(i.Rung))
			return i.step(at, ActorSystem, ActionEscalated, detail), true
		}
	}
	return Step{}, false
}

// escalates reports whether an unclaimed incident is renotified and climbs
// the ladder: every customer alert (risk, panic, tamper, help) of every
// level — a medium alert ignored is still a customer left alone — and
// health incidents only when high, so a terminal offline overnight does
// not page a manager every minute.
func (l Ladder) escalates(i *Incident) bool { return i.FromAgent() || i.Level == LevelHigh }

// climbAt is when an unclaimed incident climbs to the next rung; zero at the top.
func (l Ladder) climbAt(i *Incident) time.Time {
	if i.Rung+1 >= len(l.Rungs) {
		return time.Time{}
	}
	return i.RungAt.Add(l.Rungs[i.Rung+1].After)
}

// renotifyAt is when the current rung is told again; zero when off.
func (l Ladder) renotifyAt(i *Incident) time.Time {
	if l.Renotify <= 0 {
		return time.Time{}
	}
	return i.NotifiedAt.Add(l.Renotify)
}

// due is the next time Advance may do something.
func (l Ladder) due(i *Incident) time.Time {
	switch {
	case i.State == StateNew && l.escalates(i):
		return earliest(l.climbAt(i), l.renotifyAt(i))
	case i.State == StateClaimed && !i.Overdue && l.ArriveWithin > 0:
		return i.ClaimedAt.Add(l.ArriveWithin)
	}
	return time.Time{}
}

// earliest returns the earlier of two times, ignoring zero ones.
func earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}
