package store

import (
	"context"
	"fmt"
	"time"

	"github.com/transferguard/transferguard/dispatch/incident"
)

// Notification is one pending delivery of an incident event to one
// channel (the outbox of dispatch/notify). Body is the rendered event,
// fixed when the step that caused it was written.
type Notification struct {
	ID           string
	Channel      string
	IncidentID   string
	Event        string
	Rung         string
	Body         []byte
	Created      time.Time
	Attempts     int
	NextAt       time.Time // not before this time (backoff); zero: at once
	ClaimedUntil time.Time // an instance's lease; zero: nobody holds it
	Owner        string
	LastError    string
}

const notificationCols = `id, channel, incident_id, event, rung, body, created, attempts, next_at, claimed_until, owner, last_error`

// EnqueueNotification writes a pending notification. Call it in the
// transaction that writes the step it tells of, so either both are kept
// or neither is.
func (q Queries) EnqueueNotification(ctx context.Context, n Notification) error {
	if n.ID == "" {
		n.ID = NewID()
	}
	_, err := q.exec(ctx, `INSERT INTO notifications (`+notificationCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, 0, '', '')`,
		n.ID, n.Channel, n.IncidentID, n.Event, n.Rung, string(n.Body), ms(n.Created), ms(n.NextAt))
	if err != nil {
		return fmt.Errorf("store: enqueue notification: %w", err)
	}
	return nil
}

// NotificationBacklog counts the pending notifications of each channel.
func (q Queries) NotificationBacklog(ctx context.Context) (map[string]int, error) {
	rows, err := q.query(ctx, `SELECT channel, COUNT(*) FROM notifications GROUP BY channel`)
	if err != nil {
		return nil, fmt.Errorf("store: notification backlog: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, fmt.Errorf("store: scan backlog: %w", err)
		}
		out[c] = n
	}
	return out, rows.Err()
}

// OldestNotifications lists a channel's pending notifications, oldest
// first (the order they are delivered and, past the cap, given up in).
func (q Queries) OldestNotifications(ctx context.Context, channel string, limit int) ([]Notification, error) {
	rows, err := q.query(ctx, `SELECT `+notificationCols+` FROM notifications WHERE channel = ? ORDER BY created, id LIMIT ?`, channel, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list notifications: %w", err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		var body string
		var created, next, until int64
		if err := rows.Scan(&n.ID, &n.Channel, &n.IncidentID, &n.Event, &n.Rung, &body, &created, &n.Attempts,
			&next, &until, &n.Owner, &n.LastError); err != nil {
			return nil, fmt.Errorf("store: scan notification: %w", err)
		}
		n.Body, n.Created, n.NextAt, n.ClaimedUntil = []byte(body), tm(created), tm(next), tm(until)
		out = append(out, n)
	}
	return out, rows.Err()
}

// ClaimNotification leases a notification to owner until until, if
// nobody holds a live lease at now; ok tells whether this caller won.
// Two instances racing for one row: the UPDATE's WHERE lets one through.
func (q Queries) ClaimNotification(ctx context.Context, id, owner string, now, until time.Time) (ok bool, err error) {
	res, err := q.exec(ctx, `UPDATE notifications SET claimed_until = ?, owner = ?, attempts = attempts + 1
		WHERE id = ? AND claimed_until < ? AND next_at <= ?`, ms(until), owner, id, ms(now), ms(now))
	if err != nil {
		return false, fmt.Errorf("store: claim notification: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RetryNotification releases owner's lease and sets when to try again.
func (q Queries) RetryNotification(ctx context.Context, id, owner string, next time.Time, lastErr string) error {
	_, err := q.exec(ctx, `UPDATE notifications SET claimed_until = 0, next_at = ?, last_error = ? WHERE id = ? AND owner = ?`,
		ms(next), lastErr, id, owner)
	if err != nil {
		return fmt.Errorf("store: reschedule notification: %w", err)
	}
	return nil
}

// FinishNotification deletes a notification and adds the step that tells
// its end (notified or notify_failed) to the incident's story, in one
// transaction. owner "" finishes it whoever holds it (giving up past the
// cap). done is false when the row was gone already (another instance
// finished it after our lease ran out); no step is added then.
func (q Queries) FinishNotification(ctx context.Context, id, owner string, step incident.Step) (done bool, err error) {
	query, args := `DELETE FROM notifications WHERE id = ?`, []any{id}
	if owner != "" {
		query, args = query+` AND owner = ?`, append(args, owner)
	}
	res, err := q.exec(ctx, query, args...)
	if err != nil {
		return false, fmt.Errorf("store: finish notification: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	return true, q.AddSteps(ctx, step)
}
