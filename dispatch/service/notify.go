package service

import (
	"context"
	"encoding/json"
	"fmt"

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
// (CONTRACT §10): every channel of rungs 0..i.Rung, once each.
func (s *Service) enqueue(ctx context.Context, q store.Queries, i *incident.Incident, steps ...incident.Step) error {
	channels, rungs := s.o.Ladder.ChannelsUpTo(i.Rung)
	if len(channels) == 0 {
		return nil
	}
	loc := ""
	if s.o.Notify.Location != nil {
		loc = s.o.Notify.Location(i.Site, i.Terminal)
	}
	now := s.o.Clock.Now()
	for _, st := range steps {
		if !incident.Notifies(st.Action) {
			continue
		}
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
	}
	return nil
}

// wakeNotify tells the outbox worker that rows were committed.
func (s *Service) wakeNotify() {
	if s.enqueued.Swap(0) > 0 && s.o.Notify.Wake != nil {
		s.o.Notify.Wake()
	}
}
