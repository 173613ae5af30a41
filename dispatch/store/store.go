// Package store keeps tgdispatch's state in SQLite (the default: one file,
// a pure-Go driver, no C toolchain) or PostgreSQL (several instances
// sharing state). One set of migrations and one set of queries serve both;
// the same test suite runs against both.
//
// # Trust model
//
// The unique keys are what make several instances safe: a message id is
// handled once (messages.id), an alert opens one incident
// (incidents.alert_id), and an incident changes only from the version it
// was read at (incidents.version), so two guards claiming at once on two
// instances cannot both win.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
	_ "modernc.org/sqlite"             // driver "sqlite"
)

// ErrNotFound is returned when a row asked for by key is not there.
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned when an incident changed since it was read.
var ErrConflict = errors.New("store: incident changed meanwhile")

// Dialect tells the two databases apart where their SQL differs.
type Dialect int

// Dialects.
const (
	SQLite Dialect = iota
	Postgres
)

// Store is an open database with its migrations applied. Safe for
// concurrent use.
type Store struct {
	Queries
	db *sql.DB
}

// Open connects to dsn — "sqlite:PATH" (":memory:" works for a single
// connection) or "postgres://…" — and applies the migrations.
func Open(ctx context.Context, dsn string) (*Store, error) {
	var (
		db      *sql.DB
		err     error
		dialect Dialect
	)
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		db, err = sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)")
		if err == nil {
			db.SetMaxOpenConns(1) // one writer; avoids SQLITE_BUSY between our own connections
		}
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		dialect = Postgres
		db, err = sql.Open("pgx", dsn)
		if err == nil {
			db.SetMaxOpenConns(16)
		}
	default:
		return nil, fmt.Errorf("store: database %q must start with sqlite: or postgres://", redact(dsn))
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", redact(dsn), err)
	}
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("store: connect %s: %w", redact(dsn), err)
	}
	s := &Store{Queries: Queries{q: db, d: dialect}, db: db}
	if err := s.migrate(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Dialect is the database in use.
func (s *Store) Dialect() Dialect { return s.d }

// Tx runs fn in one transaction, committed when fn returns nil. fn must use
// only the Queries it is given (with SQLite, the store has one connection).
func (s *Store) Tx(ctx context.Context, fn func(q Queries) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	q := Queries{q: tx, d: s.d, tally: choiceTally{}}
	if err := fn(q); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := q.flushChoices(ctx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Queries are the store's reads and writes, on the database or inside a
// transaction.
type Queries struct {
	q querier
	d Dialect
	// tally gathers a transaction's choice counts, written at its end
	// (choices.go); nil outside a transaction.
	tally choiceTally
}

// rebind turns ? placeholders into $1, $2… for PostgreSQL.
func (q Queries) rebind(query string) string {
	if q.d != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (q Queries) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return q.q.ExecContext(ctx, q.rebind(query), args...)
}

func (q Queries) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.q.QueryContext(ctx, q.rebind(query), args...)
}

func (q Queries) row(ctx context.Context, query string, args ...any) *sql.Row {
	return q.q.QueryRowContext(ctx, q.rebind(query), args...)
}

// ms is a time as stored: Unix milliseconds, 0 for the zero time.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// tm reads a stored time back.
func tm(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// redact hides a password in a DSN before it reaches an error message.
func redact(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return dsn
	}
	user := dsn[scheme+3 : at]
	if c := strings.Index(user, ":"); c >= 0 {
		user = user[:c] + ":***"
	}
	return dsn[:scheme+3] + user + dsn[at:]
}
