package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rs/xid"

	"github.com/transferguard/transferguard/dispatch/incident"
)

// incidentCols is the column order of every incident read and write.
const incidentCols = `id, alert_id, site, terminal, kind, level, score, reasons, channel, session, age, card,
	payee, amount_minor, currency, held, txn_state, card_key, payee_key, follow_of, state, outcome, note,
	claimed_by, resolved_by, eta_s, raised, created, updated, claimed_at, arrived_at, resolved_at, rung,
	rung_at, notified_at, overdue, due, version, last_alert, held_ever`

// NewID returns a new sortable id for an incident or a step.
func NewID() string { return xid.New().String() }

// MarkSeen records a message id; fresh is false when it was seen before,
// and the message must then be dropped as a duplicate.
func (q Queries) MarkSeen(ctx context.Context, id string, at time.Time) (fresh bool, err error) {
	res, err := q.exec(ctx, `INSERT INTO messages (id, seen) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, id, ms(at))
	if err != nil {
		return false, fmt.Errorf("store: mark message seen: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: mark message seen: %w", err)
	}
	return n == 1, nil
}

// PurgeMessages forgets message ids seen before t and says how many. A
// copy arriving after that still finds its incident by alert_id and only
// adds an "updated" step.
func (q Queries) PurgeMessages(ctx context.Context, t time.Time) (int64, error) {
	res, err := q.exec(ctx, `DELETE FROM messages WHERE seen < ?`, ms(t))
	if err != nil {
		return 0, fmt.Errorf("store: purge messages: %w", err)
	}
	return res.RowsAffected()
}

// CreateIncident inserts an incident and its first steps. created is false
// when an incident for the same alert_id exists already (another instance
// got there first); nothing is written then.
func (q Queries) CreateIncident(ctx context.Context, i *incident.Incident, steps ...incident.Step) (created bool, err error) {
	i.Version = 1
	args, err := incidentArgs(i)
	if err != nil {
		return false, err
	}
	res, err := q.exec(ctx, `INSERT INTO incidents (`+incidentCols+`) VALUES (`+marks(len(incidentColumns))+`) ON CONFLICT (alert_id) DO NOTHING`, args...)
	if err != nil {
		return false, fmt.Errorf("store: insert incident: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	if err := q.putRules(ctx, i); err != nil {
		return false, err
	}
	return true, q.AddSteps(ctx, steps...)
}

// UpdateIncident writes the incident if it is still at the version it was
// read at (else ErrConflict), bumps the version, and adds the steps.
func (q Queries) UpdateIncident(ctx context.Context, i *incident.Incident, steps ...incident.Step) error {
	args, err := incidentArgs(i)
	if err != nil {
		return err
	}
	cols := incidentColumns
	set := make([]string, 0, len(cols))
	vals := make([]any, 0, len(cols)+1)
	for n, c := range cols {
		if c == "id" || c == "version" {
			continue
		}
		set, vals = append(set, c+" = ?"), append(vals, args[n])
	}
	query := `UPDATE incidents SET ` + strings.Join(set, ", ") + `, version = version + 1 WHERE id = ? AND version = ?`
	args = append(vals, i.ID, i.Version)
	res, err := q.exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: update incident %s: %w", i.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("store: update incident %s at version %d: %w", i.ID, i.Version, ErrConflict)
	}
	i.Version++
	if err := q.putRules(ctx, i); err != nil {
		return err
	}
	return q.AddSteps(ctx, steps...)
}

// AddSteps appends steps to incidents' stories, giving each an id.
func (q Queries) AddSteps(ctx context.Context, steps ...incident.Step) error {
	for _, s := range steps {
		if s.ID == "" {
			s.ID = NewID()
		}
		if _, err := q.exec(ctx, `INSERT INTO steps (id, incident_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?, ?)`,
			s.ID, s.IncidentID, ms(s.At), s.Actor, s.Action, s.Detail); err != nil {
			return fmt.Errorf("store: insert step: %w", err)
		}
	}
	return nil
}

// Incident reads one incident by id.
func (q Queries) Incident(ctx context.Context, id string) (incident.Incident, error) {
	return q.one(ctx, `SELECT `+incidentCols+` FROM incidents WHERE id = ?`, id)
}

// IncidentByAlert reads the incident of an alert_id.
func (q Queries) IncidentByAlert(ctx context.Context, alertID string) (incident.Incident, error) {
	return q.one(ctx, `SELECT `+incidentCols+` FROM incidents WHERE alert_id = ?`, alertID)
}

// OpenIncidents lists unresolved incidents of the given sites (all sites
// when sites is nil), high level first, then newest first.
func (q Queries) OpenIncidents(ctx context.Context, sites []string) ([]incident.Incident, error) {
	where, args := siteFilter(sites)
	return q.many(ctx, `SELECT `+incidentCols+` FROM incidents WHERE state <> 'resolved'`+where+
		` ORDER BY CASE level WHEN 'high' THEN 0 ELSE 1 END, created DESC, id DESC`, args...)
}

// OpenIncidentOf reads the newest unresolved incident of a kind at one
// terminal (ErrNotFound when there is none): one indexed read per status,
// where listing the site's open incidents grows with them.
func (q Queries) OpenIncidentOf(ctx context.Context, site, terminal, kind string) (incident.Incident, error) {
	return q.one(ctx, `SELECT `+incidentCols+` FROM incidents WHERE state <> 'resolved' AND site = ? AND terminal = ? AND kind = ?
		ORDER BY created DESC, id DESC LIMIT 1`, site, terminal, kind)
}

// DueIncidents lists open incidents whose next escalation check is due.
func (q Queries) DueIncidents(ctx context.Context, now time.Time) ([]incident.Incident, error) {
	return q.many(ctx, `SELECT `+incidentCols+` FROM incidents WHERE due > 0 AND due <= ? AND state <> 'resolved' ORDER BY due`, ms(now))
}

// IncidentsBetween lists incidents created in [from, to) at the given sites
// (all when nil), oldest first.
func (q Queries) IncidentsBetween(ctx context.Context, from, to time.Time, sites []string) ([]incident.Incident, error) {
	where, args := siteFilter(sites)
	args = append([]any{ms(from), ms(to)}, args...)
	return q.many(ctx, `SELECT `+incidentCols+` FROM incidents WHERE created >= ? AND created < ?`+where+` ORDER BY created, id`, args...)
}

// UpdatedSince lists incidents changed after t (for instances that follow
// each other's work through a shared PostgreSQL), oldest change first.
func (q Queries) UpdatedSince(ctx context.Context, t time.Time, limit int) ([]incident.Incident, error) {
	return q.many(ctx, `SELECT `+incidentCols+` FROM incidents WHERE updated > ? ORDER BY updated LIMIT ?`, ms(t), limit)
}

// Steps returns an incident's story in order.
func (q Queries) Steps(ctx context.Context, incidentID string) ([]incident.Step, error) {
	return q.steps(ctx, `SELECT id, incident_id, at, actor, action, detail FROM steps WHERE incident_id = ? ORDER BY at, id`, incidentID)
}

// StepsOf returns the steps of incidents created in [from, to) at the sites
// (all when nil), by incident then time.
func (q Queries) StepsOf(ctx context.Context, from, to time.Time, sites []string) ([]incident.Step, error) {
	where, args := siteFilter(sites)
	args = append([]any{ms(from), ms(to)}, args...)
	return q.steps(ctx, `SELECT s.id, s.incident_id, s.at, s.actor, s.action, s.detail FROM steps s
		JOIN incidents ON incidents.id = s.incident_id WHERE incidents.created >= ? AND incidents.created < ?`+
		where+` ORDER BY incidents.created, s.incident_id, s.at, s.id`, args...)
}

func (q Queries) steps(ctx context.Context, query string, args ...any) ([]incident.Step, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: query steps: %w", err)
	}
	defer rows.Close()
	var out []incident.Step
	for rows.Next() {
		var s incident.Step
		var at int64
		if err := rows.Scan(&s.ID, &s.IncidentID, &at, &s.Actor, &s.Action, &s.Detail); err != nil {
			return nil, fmt.Errorf("store: scan step: %w", err)
		}
		s.At = tm(at)
		out = append(out, s)
	}
	return out, rows.Err()
}

// siteFilter is " AND site IN (…)" with its arguments, or nothing for nil.
func siteFilter(sites []string) (string, []any) {
	if sites == nil {
		return "", nil
	}
	if len(sites) == 0 {
		return " AND 1 = 0", nil
	}
	args := make([]any, len(sites))
	for n, s := range sites {
		args[n] = s
	}
	return " AND site IN (" + marks(len(sites)) + ")", args
}

// marks is "?, ?, …" n times.
// incidentColumns are incidentCols one by one; the INSERT's placeholders
// are counted from it, so adding a column cannot leave them behind.
var incidentColumns = strings.Split(strings.Join(strings.Fields(incidentCols), ""), ",")

func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func (q Queries) one(ctx context.Context, query string, args ...any) (incident.Incident, error) {
	list, err := q.many(ctx, query, args...)
	if err != nil {
		return incident.Incident{}, err
	}
	if len(list) == 0 {
		return incident.Incident{}, ErrNotFound
	}
	return list[0], nil
}

func (q Queries) many(ctx context.Context, query string, args ...any) ([]incident.Incident, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: query incidents: %w", err)
	}
	defer rows.Close()
	var out []incident.Incident
	for rows.Next() {
		i, err := scanIncident(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	if err := rows.Err(); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: read incidents: %w", err)
	}
	return out, nil
}

// incidentArgs are the values of incidentCols for an insert.
func incidentArgs(i *incident.Incident) ([]any, error) {
	reasons, err := json.Marshal(i.Reasons)
	if err != nil {
		return nil, fmt.Errorf("store: encode reasons: %w", err)
	}
	return []any{i.ID, i.AlertID, i.Site, i.Terminal, i.Kind, i.Level, i.Score, string(reasons), i.Channel,
		i.Session, i.Age, i.Card, i.Payee, i.AmountMinor, i.Currency, b2i(i.Held), i.TxnState, i.CardKey,
		i.PayeeKey, i.FollowOf, i.State, i.Outcome, i.Note, i.ClaimedBy, i.ResolvedBy, i.ETAS,
		ms(i.Raised), ms(i.Created), ms(i.Updated), ms(i.ClaimedAt), ms(i.ArrivedAt), ms(i.ResolvedAt),
		i.Rung, ms(i.RungAt), ms(i.NotifiedAt), b2i(i.Overdue), ms(i.Due), i.Version, ms(i.LastAlert), b2i(i.HeldEver)}, nil
}

// scanIncident reads one row of incidentCols.
func scanIncident(rows *sql.Rows) (incident.Incident, error) {
	var (
		i                                        incident.Incident
		reasons                                  string
		held, overdue, heldEver                  int
		raised, created, updated, claimed, arriv int64
		resolved, rungAt, notified, due          int64
		lastAlert                                int64
	)
	err := rows.Scan(&i.ID, &i.AlertID, &i.Site, &i.Terminal, &i.Kind, &i.Level, &i.Score, &reasons, &i.Channel,
		&i.Session, &i.Age, &i.Card, &i.Payee, &i.AmountMinor, &i.Currency, &held, &i.TxnState, &i.CardKey,
		&i.PayeeKey, &i.FollowOf, &i.State, &i.Outcome, &i.Note, &i.ClaimedBy, &i.ResolvedBy, &i.ETAS,
		&raised, &created, &updated, &claimed, &arriv, &resolved, &i.Rung, &rungAt, &notified, &overdue, &due, &i.Version, &lastAlert, &heldEver)
	if err != nil {
		return i, fmt.Errorf("store: scan incident: %w", err)
	}
	if err := json.Unmarshal([]byte(reasons), &i.Reasons); err != nil {
		return i, fmt.Errorf("store: decode reasons of %s: %w", i.ID, err)
	}
	i.Held, i.Overdue, i.HeldEver = held == 1, overdue == 1, heldEver == 1
	i.Raised, i.Created, i.Updated, i.ClaimedAt, i.ArrivedAt = tm(raised), tm(created), tm(updated), tm(claimed), tm(arriv)
	i.ResolvedAt, i.RungAt, i.NotifiedAt, i.Due, i.LastAlert = tm(resolved), tm(rungAt), tm(notified), tm(due), tm(lastAlert)
	return i, nil
}
