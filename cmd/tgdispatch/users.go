package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/dispatch/auth"
	"github.com/transferguard/transferguard/dispatch/store"
)

// useradd creates or replaces an account; the password is the first line
// of stdin, so it never shows in the process list or shell history.
func useradd(args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("tgdispatch useradd", flag.ContinueOnError)
	db := fs.String("db", "sqlite:tgdispatch.db", "database: sqlite:PATH or postgres://…")
	name := fs.String("name", "", "account name")
	role := fs.String("role", "guard", "guard, supervisor or admin")
	sites := fs.String("sites", "", "comma-separated site ids (a guard needs at least one; none: all sites)")
	display := fs.String("display-name", "", "name the customer is told is coming (王师傅); empty keeps the current one")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	var list []string
	if *sites != "" {
		list = strings.Split(*sites, ",")
	}
	if *name == "" || !auth.ValidRole(*role) || (*role == auth.RoleGuard && len(list) == 0) {
		return usageError{errors.New("useradd needs --name, a --role of guard|supervisor|admin, and --sites for a guard")}
	}
	hash, err := readHash(in)
	if err != nil {
		return usageError{err}
	}
	ctx := context.Background()
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.PutUser(ctx, store.User{Name: *name, Hash: hash, Role: *role, Sites: list, Created: time.Now(), DisplayName: *display}); err != nil {
		return err
	}
	fmt.Fprintf(out, "user %s (%s) saved\n", *name, *role)
	return nil
}

// hashCmd prints the argon2id hash of the password on stdin, for the
// config file's bootstrap users.
func hashCmd(in io.Reader, out io.Writer) error {
	hash, err := readHash(in)
	if err != nil {
		return usageError{err}
	}
	fmt.Fprintln(out, hash)
	return nil
}

// readHash reads one password line and hashes it.
func readHash(in io.Reader) (string, error) {
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if len(pw) < 8 {
		return "", errors.New("password on stdin must be at least 8 characters")
	}
	return auth.HashPassword(pw, auth.DefaultParams)
}

// fillDisplayName gives an existing account the configured display name
// when it has none yet (accounts made before display names existed); a
// name a supervisor set in the console is kept.
func fillDisplayName(ctx context.Context, st *store.Store, u bootUser) error {
	if u.DisplayName == "" {
		return nil
	}
	have, err := st.User(ctx, u.Name)
	if err != nil || have.DisplayName != "" {
		return err
	}
	return st.SetDisplayName(ctx, u.Name, u.DisplayName)
}

// bootstrapUsers adds the config's users that do not exist yet.
func bootstrapUsers(ctx context.Context, st *store.Store, users []bootUser, log zerolog.Logger) error {
	for _, u := range users {
		added, err := st.AddUser(ctx, store.User{Name: u.Name, Hash: u.PasswordHash, Role: u.Role, Sites: u.Sites, Created: time.Now(), DisplayName: u.DisplayName})
		if err != nil {
			return err
		}
		if added {
			log.Info().Str("user", u.Name).Str("role", u.Role).Msg("user bootstrapped")
		} else if err := fillDisplayName(ctx, st, u); err != nil {
			return err
		}
	}
	return nil
}
