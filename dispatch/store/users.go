package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// User is an account of the console. Sites is empty for "all sites".
// Hash is an encoded argon2id hash (dispatch/auth), never a password.
type User struct {
	Name    string
	Hash    string
	Role    string
	Sites   []string
	Created time.Time
	// DisplayName is what a customer is told of the guard coming (王师傅,
	// CONTRACT §7); never the login name. Empty: none is given.
	DisplayName string
}

// PutUser inserts or replaces an account.
func (q Queries) PutUser(ctx context.Context, u User) error {
	_, err := q.exec(ctx, `INSERT INTO users (name, hash, role, sites, created, display_name) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET hash = excluded.hash, role = excluded.role, sites = excluded.sites,
		display_name = CASE WHEN excluded.display_name = '' THEN users.display_name ELSE excluded.display_name END`,
		u.Name, u.Hash, u.Role, strings.Join(u.Sites, ","), ms(u.Created), u.DisplayName)
	if err != nil {
		return fmt.Errorf("store: put user %q: %w", u.Name, err)
	}
	return nil
}

// AddUser inserts an account; added is false when the name exists (it is
// then left as it is, so a bootstrap list never resets a changed password).
func (q Queries) AddUser(ctx context.Context, u User) (added bool, err error) {
	res, err := q.exec(ctx, `INSERT INTO users (name, hash, role, sites, created, display_name) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
		u.Name, u.Hash, u.Role, strings.Join(u.Sites, ","), ms(u.Created), u.DisplayName)
	if err != nil {
		return false, fmt.Errorf("store: add user %q: %w", u.Name, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// User reads an account by name.
func (q Queries) User(ctx context.Context, name string) (User, error) {
	var u User
	var sites string
	var created int64
	err := q.row(ctx, `SELECT name, hash, role, sites, created, display_name FROM users WHERE name = ?`, name).
		Scan(&u.Name, &u.Hash, &u.Role, &sites, &created, &u.DisplayName)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("store: read user %q: %w", name, err)
	}
	if sites != "" {
		u.Sites = strings.Split(sites, ",")
	}
	u.Created = tm(created)
	return u, nil
}

// Users lists the accounts by name (hashes included; callers show none).
func (q Queries) Users(ctx context.Context) ([]User, error) {
	rows, err := q.query(ctx, `SELECT name, role, sites, display_name FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		var sites string
		if err := rows.Scan(&u.Name, &u.Role, &sites, &u.DisplayName); err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		if sites != "" {
			u.Sites = strings.Split(sites, ",")
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetDisplayName gives an account the name customers are told; ErrNotFound
// when there is no such account.
func (q Queries) SetDisplayName(ctx context.Context, name, display string) error {
	res, err := q.exec(ctx, `UPDATE users SET display_name = ? WHERE name = ?`, display, name)
	if err != nil {
		return fmt.Errorf("store: set display name of %q: %w", name, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return ErrNotFound
	}
	return nil
}

// WebSession is a logged-in browser: the hash of its cookie token, whose it
// is, its CSRF token and when it ends.
type WebSession struct {
	TokenHash string
	User      string
	CSRF      string
	Expires   time.Time
}

// PutWebSession stores a new session.
func (q Queries) PutWebSession(ctx context.Context, s WebSession) error {
	_, err := q.exec(ctx, `INSERT INTO web_sessions (token_hash, user_name, csrf, expires) VALUES (?, ?, ?, ?)`,
		s.TokenHash, s.User, s.CSRF, ms(s.Expires))
	if err != nil {
		return fmt.Errorf("store: put web session: %w", err)
	}
	return nil
}

// WebSession reads a session by token hash; ErrNotFound when absent or
// expired at now.
func (q Queries) WebSession(ctx context.Context, tokenHash string, now time.Time) (WebSession, error) {
	var s WebSession
	var exp int64
	err := q.row(ctx, `SELECT token_hash, user_name, csrf, expires FROM web_sessions WHERE token_hash = ? AND expires > ?`,
		tokenHash, ms(now)).Scan(&s.TokenHash, &s.User, &s.CSRF, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	if err != nil {
		return s, fmt.Errorf("store: read web session: %w", err)
	}
	s.Expires = tm(exp)
	return s, nil
}

// DeleteWebSession ends a session (logout) and drops expired ones.
func (q Queries) DeleteWebSession(ctx context.Context, tokenHash string, now time.Time) error {
	_, err := q.exec(ctx, `DELETE FROM web_sessions WHERE token_hash = ? OR expires <= ?`, tokenHash, ms(now))
	if err != nil {
		return fmt.Errorf("store: delete web session: %w", err)
	}
	return nil
}
