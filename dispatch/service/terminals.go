package service

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/dispatch/feed"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/ingest"
	"github.com/transferguard/transferguard/dispatch/store"
)

// HandleStatus records a terminal's status and opens or recovers the
// health incidents it implies (offline, link down, screen down). Statuses
// are retained and may reach every instance: the incident's alert_id is
// derived from the status itself, so they open one incident between them.
func (s *Service) HandleStatus(ctx context.Context, site, terminal string, st envelope.Status) error {
	var ch changes
	err := s.tx(ctx, func(q store.Queries) error {
		ch = changes{}
		return s.applyStatus(ctx, q, site, terminal, st, &ch)
	})
	if err != nil {
		return fmt.Errorf("service: status %s/%s: %w", site, terminal, err)
	}
	s.announce(&ch)
	return nil
}

// applyStatus is HandleStatus's transaction.
func (s *Service) applyStatus(ctx context.Context, q store.Queries, site, terminal string, st envelope.Status, ch *changes) error {
	now := s.o.Clock.Now()
	var prev *envelope.Status
	var err error
	if t, err := q.Terminal(ctx, site, terminal); err == nil && t.State != "" {
		if sameStatus(t, st) {
			return nil // stored already: by another instance, or delivered again
		}
		p := t.Status()
		prev = &p
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if prev != nil { // storage is not a stored column: an open incident says it was degraded
		if prev.Storage, err = s.storageWas(ctx, q, site, terminal); err != nil {
			return err
		}
	}
	changes := incident.HealthChanges(prev, st)
	if prev != nil && prev.Boot != st.Boot && st.State == "offline" && prev.State == "online" {
		return nil // a stale Will: keep the newer run's status
	}
	if err := q.PutTerminal(ctx, store.Terminal{Site: site, Terminal: terminal, State: st.State, Boot: st.Boot,
		Agent: st.Agent, Link: st.Link, UI: st.UI, StatusTS: st.TS, Seen: now}); err != nil {
		return err
	}
	ch.terminals = append(ch.terminals, feed.Event{Kind: "terminal", Site: site, Terminal: terminal, Action: st.State, State: st.State})
	for _, c := range changes {
		i, action, err := s.health(ctx, q, site, terminal, st, c)
		if err != nil {
			return err
		}
		if i != nil {
			ch.add(i, action)
		}
	}
	return nil
}

// sameStatus says the terminal's stored status is st (to the stored
// millisecond). Every instance receives every status; the first stores it,
// the others then only read.
func sameStatus(t store.Terminal, st envelope.Status) bool {
	return !st.TS.IsZero() && t.State == st.State && t.Boot == st.Boot && t.Agent == st.Agent && t.Link == st.Link && t.UI == st.UI &&
		t.StatusTS.UnixMilli() == st.TS.UnixMilli()
}

// health opens the incident for a raised condition, or recovers the open
// one for a cleared condition.
func (s *Service) health(ctx context.Context, q store.Queries, site, terminal string, st envelope.Status, c incident.Change) (*incident.Incident, string, error) {
	now := s.o.Clock.Now()
	if c.Raise {
		alertID := strings.Join([]string{c.Kind, site, terminal, st.Boot, strconv.FormatInt(st.TS.UnixMilli(), 10)}, ":")
		i, step := incident.FromHealth(store.NewID(), alertID, site, terminal, c.Kind, now)
		s.o.Ladder.Advance(&i, now)
		created, err := q.CreateIncident(ctx, &i, step)
		if err != nil || !created {
			return nil, "", err
		}
		return &i, incident.ActionRaised, s.enqueue(ctx, q, &i, step)
	}
	i, err := q.OpenIncidentOf(ctx, site, terminal, c.Kind)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", nil
	} else if err != nil {
		return nil, "", err
	}
	step := i.Recover(now)
	s.o.Ladder.Advance(&i, now)
	if err := q.UpdateIncident(ctx, &i, step); err != nil {
		return nil, "", err
	}
	return &i, incident.ActionRecovered, nil
}

// storageWas is the storage state the terminal's last status showed, as
// told by an open storage incident for it.
func (s *Service) storageWas(ctx context.Context, q store.Queries, site, terminal string) (string, error) {
	_, err := q.OpenIncidentOf(ctx, site, terminal, incident.KindStorage)
	switch {
	case err == nil:
		return string(wire.StorageDegraded), nil
	case errors.Is(err, store.ErrNotFound):
		return string(wire.StorageOK), nil
	}
	return "", err
}

// HandleSession keeps a session audit record and, when it belongs to an
// incident's alert, adds it to that incident's story.
func (s *Service) HandleSession(ctx context.Context, r envelope.SessionRecord) error {
	if err := validSession(r); err != nil {
		return err
	}
	var ch changes
	err := s.tx(ctx, func(q store.Queries) error {
		ch = changes{}
		return s.applySession(ctx, q, r, &ch)
	})
	if err != nil {
		return fmt.Errorf("service: session %s: %w", r.ID, err)
	}
	s.announce(&ch)
	return nil
}

// validSession refuses a record that cannot be kept.
func validSession(r envelope.SessionRecord) error {
	if r.ID == "" || r.Site == "" || r.Terminal == "" {
		return fmt.Errorf("service: session record lacks id, site or terminal (%w)", ingest.ErrRejected)
	}
	return nil
}

// applySession is HandleSession's transaction.
func (s *Service) applySession(ctx context.Context, q store.Queries, r envelope.SessionRecord, ch *changes) error {
	fresh, err := q.MarkSeen(ctx, r.ID, s.o.Clock.Now())
	if err != nil || !fresh {
		return err
	}
	if err := q.PutSessionRecord(ctx, r); err != nil {
		return err
	}
	if r.AlertID == "" {
		return nil
	}
	i, err := q.IncidentByAlert(ctx, r.AlertID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	ch.add(&i, incident.ActionSession)
	return q.AddSteps(ctx, incident.Step{IncidentID: i.ID, At: s.o.Clock.Now(), Actor: "terminal",
		Action: incident.ActionSession, Detail: sessionDetail(r)})
}

// sessionDetail is a one-line account of a session record.
func sessionDetail(r envelope.SessionRecord) string {
	var screens []string
	for _, sc := range r.Screens {
		v := fmt.Sprintf("%s %ds", sc.Name, sc.DurationMS/1000)
		if sc.Ack != "" {
			v += " ack " + sc.Ack
		}
		screens = append(screens, v)
	}
	return fmt.Sprintf("session %s ended (%s), state %s; screens: %s", r.Session, r.EndReason, r.State, strings.Join(screens, ", "))
}

// HandleConfigState records the configuration versions a terminal runs.
func (s *Service) HandleConfigState(ctx context.Context, site, terminal string, st envelope.ConfigState) error {
	var ch changes
	if err := s.applyConfig(ctx, s.st.Queries, site, terminal, st, &ch); err != nil {
		return err
	}
	s.announce(&ch)
	return nil
}

// applyConfig writes the configuration state (on its own, or in a batch's
// transaction).
func (s *Service) applyConfig(ctx context.Context, q store.Queries, site, terminal string, st envelope.ConfigState, ch *changes) error {
	v := func(d *envelope.DocState) string {
		if d == nil {
			return "—"
		}
		return "v" + strconv.FormatInt(d.Version, 10)
	}
	text := "fleet " + v(st.Config.Fleet) + " · site " + v(st.Config.Site) + " · terminal " + v(st.Config.Terminal)
	if st.Watchlist != nil {
		text += " · watchlist " + v(&st.Watchlist.DocState)
	}
	if st.LastRejection != nil {
		text += " · last rejection"
	}
	if err := q.PutTerminalConfig(ctx, site, terminal, text, s.o.Clock.Now()); err != nil {
		return fmt.Errorf("service: config state %s/%s: %w", site, terminal, err)
	}
	ch.terminals = append(ch.terminals, feed.Event{Kind: "terminal", Site: site, Terminal: terminal, Action: "config"})
	return nil
}
