package store

import (
	"context"
	"fmt"
)

// migrations are applied in order, each once, on both databases: only SQL
// that SQLite and PostgreSQL read alike. Times are Unix milliseconds in
// BIGINT, booleans INTEGER 0/1, lists JSON in TEXT.
var migrations = []string{
	`CREATE TABLE messages (id TEXT PRIMARY KEY, seen BIGINT NOT NULL)`,
	`CREATE TABLE incidents (
		id TEXT PRIMARY KEY, alert_id TEXT NOT NULL UNIQUE, site TEXT NOT NULL, terminal TEXT NOT NULL,
		kind TEXT NOT NULL, level TEXT NOT NULL, score INTEGER NOT NULL, reasons TEXT NOT NULL,
		channel TEXT NOT NULL, session TEXT NOT NULL, age INTEGER NOT NULL, card TEXT NOT NULL,
		payee TEXT NOT NULL, amount_minor BIGINT NOT NULL, currency TEXT NOT NULL, held INTEGER NOT NULL,
		txn_state TEXT NOT NULL, card_key TEXT NOT NULL, payee_key TEXT NOT NULL, follow_of TEXT NOT NULL,
		state TEXT NOT NULL, outcome TEXT NOT NULL, note TEXT NOT NULL, claimed_by TEXT NOT NULL,
		resolved_by TEXT NOT NULL, eta_s INTEGER NOT NULL,
		raised BIGINT NOT NULL, created BIGINT NOT NULL, updated BIGINT NOT NULL, claimed_at BIGINT NOT NULL,
		arrived_at BIGINT NOT NULL, resolved_at BIGINT NOT NULL, rung INTEGER NOT NULL, rung_at BIGINT NOT NULL,
		notified_at BIGINT NOT NULL, overdue INTEGER NOT NULL, due BIGINT NOT NULL, version INTEGER NOT NULL,
		last_alert BIGINT NOT NULL)`,
	`CREATE INDEX incidents_state_site ON incidents (state, site)`,
	`CREATE INDEX incidents_due ON incidents (due)`,
	`CREATE INDEX incidents_created ON incidents (created)`,
	`CREATE TABLE steps (id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, at BIGINT NOT NULL,
		actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL)`,
	`CREATE INDEX steps_incident ON steps (incident_id, at)`,
	`CREATE INDEX steps_at ON steps (at)`,
	`CREATE TABLE sightings (ckey TEXT NOT NULL, incident_id TEXT NOT NULL, site TEXT NOT NULL,
		terminal TEXT NOT NULL, held INTEGER NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (ckey, incident_id))`,
	`CREATE TABLE terminals (site TEXT NOT NULL, terminal TEXT NOT NULL, state TEXT NOT NULL,
		boot TEXT NOT NULL, agent TEXT NOT NULL, link TEXT NOT NULL, ui TEXT NOT NULL,
		status_ts BIGINT NOT NULL, seen BIGINT NOT NULL, config TEXT NOT NULL, PRIMARY KEY (site, terminal))`,
	`CREATE TABLE session_records (id TEXT PRIMARY KEY, site TEXT NOT NULL, terminal TEXT NOT NULL,
		session TEXT NOT NULL, alert_id TEXT NOT NULL, ts BIGINT NOT NULL, body TEXT NOT NULL)`,
	`CREATE TABLE users (name TEXT PRIMARY KEY, hash TEXT NOT NULL, role TEXT NOT NULL,
		sites TEXT NOT NULL, created BIGINT NOT NULL)`,
	`CREATE TABLE web_sessions (token_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL,
		csrf TEXT NOT NULL, expires BIGINT NOT NULL)`,
	// The notification outbox (dispatch/notify): rows are pending deliveries only;
	// delivered and given-up rows are deleted, their story kept in steps.
	`CREATE TABLE notifications (id TEXT PRIMARY KEY, channel TEXT NOT NULL, incident_id TEXT NOT NULL,
		event TEXT NOT NULL, rung TEXT NOT NULL, body TEXT NOT NULL, created BIGINT NOT NULL,
		attempts INTEGER NOT NULL, next_at BIGINT NOT NULL, claimed_until BIGINT NOT NULL,
		owner TEXT NOT NULL, last_error TEXT NOT NULL)`,
	`CREATE INDEX notifications_channel ON notifications (channel, created, id)`,
	// the name the customer's screen shows for a guard (CONTRACT §7); '' uses none
	`ALTER TABLE users ADD COLUMN display_name TEXT NOT NULL DEFAULT ''`,
	// the customer's choice on the transfer warning, for the effectiveness
	// page's counts (records stored before this say '': counted as none)
	`ALTER TABLE session_records ADD COLUMN choice TEXT NOT NULL DEFAULT ''`,
	`CREATE INDEX session_records_ts ON session_records (ts, site, choice)`, // covers ChoiceCounts
	// a supervisor's follow-up and evaluation of a resolved incident
	// (dispatch/incident.Review); their story is in steps as well
	`CREATE TABLE reviews (incident_id TEXT PRIMARY KEY, followed_at BIGINT NOT NULL, followed_by TEXT NOT NULL,
		called_back INTEGER NOT NULL, police_report TEXT NOT NULL, recovered_minor BIGINT NOT NULL,
		follow_note TEXT NOT NULL, evaluated_at BIGINT NOT NULL, evaluated_by TEXT NOT NULL,
		rating TEXT NOT NULL, eval_note TEXT NOT NULL)`,
	// held at some point: a session's last alert_update says held:false
	// once the hold is released, so held alone loses what was held
	`ALTER TABLE incidents ADD COLUMN held_ever INTEGER NOT NULL DEFAULT 0`,
	`UPDATE incidents SET held_ever = held`,
	// a status's own terminal's open incident of a kind (OpenIncidentOf),
	// read for every status a fleet sends
	`CREATE INDEX incidents_terminal ON incidents (site, terminal, kind)`,
	// one row per incident and rule it names, for the effectiveness page's
	// sums in SQL (effect_rules.go); bucket is created's 30-day slot, which
	// leads each index so a period's rows come out in the order the page
	// groups them: counts (RuleCounts), then seconds to claim and to
	// arrive (RuleMedians), each index covering its query
	`CREATE TABLE incident_rules (incident_id TEXT NOT NULL, rule TEXT NOT NULL, site TEXT NOT NULL,
		created BIGINT NOT NULL, bucket BIGINT NOT NULL, is_open INTEGER NOT NULL, outcome TEXT NOT NULL,
		held_minor BIGINT NOT NULL, protected_minor BIGINT NOT NULL, claim_s BIGINT, arrive_s BIGINT,
		PRIMARY KEY (incident_id, rule))`,
	`CREATE INDEX incident_rules_counts ON incident_rules (bucket, rule, site, is_open, outcome, created,
		held_minor, protected_minor, claim_s, arrive_s)`,
	`CREATE INDEX incident_rules_claim ON incident_rules (bucket, rule, site, claim_s, created)`,
	`CREATE INDEX incident_rules_arrive ON incident_rules (bucket, rule, site, arrive_s, created)`,
	backfillRules,
	// session records counted by hour, site and choice as they are stored
	// (effect.go's ChoiceCounts); records are never changed or deleted
	`CREATE TABLE choice_counts (hour BIGINT NOT NULL, site TEXT NOT NULL, choice TEXT NOT NULL,
		n BIGINT NOT NULL, PRIMARY KEY (hour, site, choice))`,
	backfillChoices,
	// the follow-ups owed (ResolvedUnreviewed), oldest resolution first,
	// without reading every resolved incident and sorting them
	`CREATE INDEX incidents_resolved ON incidents (state, resolved_at, id)`,
}

// backfillChoices counts the session records stored before choice_counts.
const backfillChoices = `INSERT INTO choice_counts (hour, site, choice, n)
	SELECT ts / 3600000, site, choice, COUNT(*) FROM session_records GROUP BY ts / 3600000, site, choice`

// goMigrations stand in migrations, by name, for work the two databases
// cannot do with the same SQL.
var goMigrations = map[string]func(context.Context, Queries) error{backfillRules: backfillIncidentRules}

// migrate applies the migrations not yet recorded in schema_migrations.
// With PostgreSQL an advisory lock keeps two instances starting together
// from applying the same one twice.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)`); err != nil {
		return fmt.Errorf("store: create schema_migrations: %w", err)
	}
	return s.Tx(ctx, func(q Queries) error {
		if q.d == Postgres {
			if _, err := q.exec(ctx, `SELECT pg_advisory_xact_lock(7307)`); err != nil {
				return fmt.Errorf("store: migration lock: %w", err)
			}
		}
		var have int
		if err := q.row(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
			return fmt.Errorf("store: read schema version: %w", err)
		}
		for v := have + 1; v <= len(migrations); v++ {
			if err := q.apply(ctx, migrations[v-1]); err != nil {
				return fmt.Errorf("store: migration %d: %w", v, err)
			}
			if _, err := q.exec(ctx, `INSERT INTO schema_migrations (version) VALUES (?)`, v); err != nil {
				return fmt.Errorf("store: record migration %d: %w", v, err)
			}
		}
		return nil
	})
}

// apply runs one migration: its SQL, or its Go step.
func (q Queries) apply(ctx context.Context, m string) error {
	if fn := goMigrations[m]; fn != nil {
		return fn(ctx, q)
	}
	_, err := q.exec(ctx, m)
	return err
}

// Analyze refreshes the query planner's statistics of every table, as
// one does after a bulk load (a benchmark's seeding). In service
// PostgreSQL's autovacuum does it as tables change; SQLite keeps none, and
// tgdispatch's queries have one covering index each, whose choice does
// not depend on them (docs/benchmarks.md).
func (s *Store) Analyze(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("store: analyze: %w", err)
	}
	return nil
}
