package service

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/notify"
	"github.com/transferguard/transferguard/dispatch/store"
)

// Notifications configure what the service writes to the notification
// outbox (dispatch/notify). The zero value writes rows for the channels
// the ladder names, with no location or console link, and wakes nobody.
type Notifications struct {
	ConsoleURL string                             // base URL of the console, for the message's url
	Location   func(site, terminal string) string // the terminal's place as configured; nil: ""
	Wake       func()                             // called after a commit that wrote rows; must not block
}

// enqueue writes, in the caller's transaction, one notification per
// channel reached by the incident for each step the contract tells of
// (CONTRACT §10): every channel of rungs 0..rung, once each, where rung is
// the one the incident was at when the step happened (i ends at i.Rung
// after all of steps; each escalated step before the end was one rung
// lower). Rows are written in step order; ids grow, so a channel's rows
// of one instant keep that order.
func (s *Service) enqueue(ctx context.Context, q store.Queries, i *incident.Incident, steps ...incident.Step) error {
	loc := ""
	if s.o.Notify.Location != nil {
		loc = s.o.Notify.Location(i.Site, i.Terminal)
	}
	rungs := make([]int, len(steps))
	rung := i.Rung
	for k := len(steps) - 1; k >= 0; k-- {
		rungs[k] = max(rung, 0)
		if steps[k].Action == incident.ActionEscalated {
			rung--
		}
	}
	now := s.o.Clock.Now()
	for k, st := range steps {
		if !incident.Notifies(st.Action) {
			continue
		}
		if err := s.enqueueStep(ctx, q, i, st, rungs[k], loc, now); err != nil {
			return err
		}
	}
	return nil
}

// enqueueStep writes one step's rows, for the channels of rungs 0..rung.
func (s *Service) enqueueStep(ctx context.Context, q store.Queries, i *incident.Incident, st incident.Step, rung int, loc string, now time.Time) error {
	channels, rungs := s.o.Ladder.ChannelsUpTo(rung)
	for k, ch := range channels {
		id := store.NewID()
		body, err := json.Marshal(notify.NewMessage(id, st, rungs[k], i, loc, s.o.Notify.ConsoleURL))
		if err != nil {
			return fmt.Errorf("service: encode notification: %w", err)
		}
		if err := q.EnqueueNotification(ctx, store.Notification{ID: id, Channel: ch, IncidentID: i.ID,
			Event: st.Action, Rung: rungs[k], Body: body, Created: now}); err != nil {
			return err
		}
		s.enqueued.Add(1)
	}
	return nil
}

// wakeNotify tells the outbox worker that rows were committed.
func (s *Service) wakeNotify() {
	if s.enqueued.Swap(0) > 0 && s.o.Notify.Wake != nil {
		s.o.Notify.Wake()
	}
}
