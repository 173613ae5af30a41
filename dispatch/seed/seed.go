// Package seed fills a tgdispatch store with a deterministic month of
// work for tests, benchmarks and demos: sessions played through the real
// agent core (agent/sessiongen), their alerts turned into incidents, a
// guard's claim, arrival and resolution at made-up but repeatable times,
// and every session record. The same options give the same store.
package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/sessiongen"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/store"
)

// Options says what to seed.
type Options struct {
	Seed     uint64
	Start    time.Time
	Days     int
	Sessions int
	Sites    []string
	// Batch is how many sessions go in one transaction; 500 when zero.
	Batch int
}

// Ledger is what was written, for a test to compute what the pages must
// show on its own.
type Ledger struct {
	Incidents []incident.Incident
	Records   []envelope.SessionRecord
}

// Guard is the user the seeded steps are attributed to.
const Guard = "seed-guard"

// Month seeds st and returns the ledger (nil when keep is false: a
// benchmark of 100,000 incidents need not hold them).
func Month(ctx context.Context, st *store.Store, o Options, keep bool) (*Ledger, error) {
	if o.Batch == 0 {
		o.Batch = 500
	}
	led := &Ledger{}
	var pending []numbered
	flush := func() error {
		err := st.Tx(ctx, func(q store.Queries) error {
			for n := range pending {
				if err := put(ctx, q, &pending[n].s, pending[n].n, led, keep); err != nil {
					return err
				}
			}
			return nil
		})
		pending = pending[:0]
		return err
	}
	k := 0
	err := sessiongen.Generate(sessiongen.Options{Seed: o.Seed, Start: o.Start, Days: o.Days, Sessions: o.Sessions, Sites: o.Sites},
		func(s sessiongen.Session) error {
			if s.Record == nil {
				return nil
			}
			pending = append(pending, numbered{s, k})
			k++
			if len(pending) >= o.Batch {
				return flush()
			}
			return nil
		})
	if err == nil && len(pending) > 0 {
		err = flush()
	}
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if !keep {
		return nil, nil
	}
	return led, nil
}

// numbered is a session with its number among those recorded, which
// drives its guard's timing.
type numbered struct {
	s sessiongen.Session
	n int
}

// put writes one session: its record, and an incident for its first
// alert with the final state of that alert, worked by a guard.
func put(ctx context.Context, q store.Queries, s *sessiongen.Session, n int, led *Ledger, keep bool) error {
	if err := q.PutSessionRecord(ctx, *s.Record); err != nil {
		return err
	}
	if keep {
		led.Records = append(led.Records, *s.Record)
	}
	if len(s.Alerts) == 0 {
		return nil
	}
	first := s.Alerts[0]
	created := time.Time(first.TS)
	i, step := incident.FromAlert(store.NewID(), first, created)
	steps := []incident.Step{step}
	for _, a := range s.Alerts[1:] {
		if a.AlertID == first.AlertID { // folded as tgdispatch folds each alert_update
			steps = append(steps, i.Fold(a, time.Time(a.TS)))
		}
	}
	steps = append(steps, work(&i, s, n)...)
	if _, err := q.CreateIncident(ctx, &i, steps...); err != nil {
		return err
	}
	if keep {
		led.Incidents = append(led.Incidents, i)
	}
	return nil
}

// work claims, reaches and resolves the incident at times that depend on
// the session's number; one in thirteen stays open, one in seven is
// claimed and never reached before it is resolved.
func work(i *incident.Incident, s *sessiongen.Session, n int) []incident.Step {
	if n%13 == 0 {
		return nil
	}
	at := i.Created.Add(time.Duration(20+n%240) * time.Second)
	st, _ := i.Claim(Guard, 120, at)
	steps := []incident.Step{st}
	if n%7 != 0 {
		at = at.Add(time.Duration(40+n%300) * time.Second)
		st, _ = i.Arrive(Guard, at)
		steps = append(steps, st)
	}
	st, _ = i.Resolve(Guard, outcome(s, n), "", at.Add(2*time.Minute))
	return append(steps, st)
}

// outcome is how the seeded guard ends an incident: a listed payee or a
// phone call is fraud stopped, a customer who stopped left, the rest
// alternate between proceeded and a false alarm.
func outcome(s *sessiongen.Session, n int) string {
	switch {
	case s.PayeeListed || s.Phone:
		return incident.OutcomeFraudStopped
	case s.Choice == screen.ChoiceStop:
		return incident.OutcomeCustomerLeft
	case n%2 == 0:
		return incident.OutcomeCustomerProceeded
	}
	return incident.OutcomeFalseAlarm
}
