package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/dispatch/incident"
)

// Terminal is what tgdispatch last heard from one terminal.
type Terminal struct {
	Site     string
	Terminal string
	State    string // online, offline, or "" before the first status
	Boot     string
	Agent    string
	Link     string
	UI       string
	StatusTS time.Time // the status's own time
	Seen     time.Time // when we received it
	Config   string    // applied configuration versions, as a short text
}

// Status returns the terminal's last status as the envelope carries it.
func (t Terminal) Status() envelope.Status {
	return envelope.Status{State: t.State, TS: t.StatusTS, Boot: t.Boot, Agent: t.Agent, Link: t.Link, UI: t.UI}
}

// PutTerminal inserts or replaces a terminal's status, keeping its Config.
func (q Queries) PutTerminal(ctx context.Context, t Terminal) error {
	_, err := q.exec(ctx, `INSERT INTO terminals (site, terminal, state, boot, agent, link, ui, status_ts, seen, config)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '') ON CONFLICT (site, terminal) DO UPDATE SET state = excluded.state,
		boot = excluded.boot, agent = excluded.agent, link = excluded.link, ui = excluded.ui,
		status_ts = excluded.status_ts, seen = excluded.seen`,
		t.Site, t.Terminal, t.State, t.Boot, t.Agent, t.Link, t.UI, ms(t.StatusTS), ms(t.Seen))
	if err != nil {
		return fmt.Errorf("store: put terminal %s/%s: %w", t.Site, t.Terminal, err)
	}
	return nil
}

// PutTerminalConfig records a terminal's applied configuration versions.
func (q Queries) PutTerminalConfig(ctx context.Context, site, terminal, config string, seen time.Time) error {
	_, err := q.exec(ctx, `INSERT INTO terminals (site, terminal, state, boot, agent, link, ui, status_ts, seen, config)
		VALUES (?, ?, '', '', '', '', '', 0, ?, ?) ON CONFLICT (site, terminal) DO UPDATE SET config = excluded.config`,
		site, terminal, ms(seen), config)
	if err != nil {
		return fmt.Errorf("store: put terminal config %s/%s: %w", site, terminal, err)
	}
	return nil
}

// Terminal reads one terminal; ErrNotFound before its first message.
func (q Queries) Terminal(ctx context.Context, site, terminal string) (Terminal, error) {
	list, err := q.terminals(ctx, ` WHERE site = ? AND terminal = ?`, site, terminal)
	if err == nil && len(list) == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return Terminal{}, err
	}
	return list[0], nil
}

// Terminals lists the terminals of the sites (all when nil) by site and id.
func (q Queries) Terminals(ctx context.Context, sites []string) ([]Terminal, error) {
	where, args := siteFilter(sites)
	return q.terminals(ctx, ` WHERE 1 = 1`+where, args...)
}

func (q Queries) terminals(ctx context.Context, where string, args ...any) ([]Terminal, error) {
	rows, err := q.query(ctx, `SELECT site, terminal, state, boot, agent, link, ui, status_ts, seen, config FROM terminals`+
		where+` ORDER BY site, terminal`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: query terminals: %w", err)
	}
	defer rows.Close()
	var out []Terminal
	for rows.Next() {
		var t Terminal
		var ts, seen int64
		if err := rows.Scan(&t.Site, &t.Terminal, &t.State, &t.Boot, &t.Agent, &t.Link, &t.UI, &ts, &seen, &t.Config); err != nil {
			return nil, fmt.Errorf("store: scan terminal: %w", err)
		}
		t.StatusTS, t.Seen = tm(ts), tm(seen)
		out = append(out, t)
	}
	return out, rows.Err()
}

// AddSighting records that a card or payee key was seen in an incident.
func (q Queries) AddSighting(ctx context.Context, s incident.Sighting) error {
	_, err := q.exec(ctx, `INSERT INTO sightings (ckey, incident_id, site, terminal, held, at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (ckey, incident_id) DO UPDATE SET held = excluded.held`,
		s.Key, s.IncidentID, s.Site, s.Terminal, b2i(s.Held), ms(s.At))
	if err != nil {
		return fmt.Errorf("store: add sighting: %w", err)
	}
	return nil
}

// Sightings lists sightings of any of keys since t, newest first.
func (q Queries) Sightings(ctx context.Context, keys []string, since time.Time) ([]incident.Sighting, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	args := []any{ms(since)}
	for _, k := range keys {
		args = append(args, k)
	}
	rows, err := q.query(ctx, `SELECT ckey, incident_id, site, terminal, held, at FROM sightings WHERE at >= ? AND ckey IN (`+
		marks(len(keys))+`) ORDER BY at DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: query sightings: %w", err)
	}
	defer rows.Close()
	var out []incident.Sighting
	for rows.Next() {
		var s incident.Sighting
		var held int
		var at int64
		if err := rows.Scan(&s.Key, &s.IncidentID, &s.Site, &s.Terminal, &held, &at); err != nil {
			return nil, fmt.Errorf("store: scan sighting: %w", err)
		}
		s.Held, s.At = held == 1, tm(at)
		out = append(out, s)
	}
	return out, rows.Err()
}

// PutSessionRecord keeps a terminal's session audit record (by its id)
// and counts its choice (choice_counts); call it in a transaction.
func (q Queries) PutSessionRecord(ctx context.Context, r envelope.SessionRecord) error {
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("store: encode session record: %w", err)
	}
	res, err := q.exec(ctx, `INSERT INTO session_records (id, site, terminal, session, alert_id, ts, body, choice) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`, r.ID, r.Site, r.Terminal, r.Session, r.AlertID, ms(time.Time(r.TS)), string(body), r.Choice)
	if err != nil {
		return fmt.Errorf("store: put session record: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err // a copy of a stored record: counted already
	}
	return q.countChoice(ctx, r.Site, r.Choice, ms(time.Time(r.TS)))
}

// SessionRecords lists the session records of an alert.
func (q Queries) SessionRecords(ctx context.Context, alertID string) ([]envelope.SessionRecord, error) {
	rows, err := q.query(ctx, `SELECT body FROM session_records WHERE alert_id = ? ORDER BY ts`, alertID)
	if err != nil {
		return nil, fmt.Errorf("store: query session records: %w", err)
	}
	defer rows.Close()
	var out []envelope.SessionRecord
	for rows.Next() {
		var body string
		var r envelope.SessionRecord
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("store: scan session record: %w", err)
		}
		if err := json.NewDecoder(strings.NewReader(body)).Decode(&r); err != nil {
			return nil, fmt.Errorf("store: decode session record: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
