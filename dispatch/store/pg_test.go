//go:build pg

package store

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/transferguard/transferguard/dispatch/pgtest"
)

var pg *pgtest.Server

// TestMain starts one PostgreSQL for the package; each test gets its own
// database. Missing PostgreSQL fails the run.
func TestMain(m *testing.M) {
	var err error
	if pg, err = pgtest.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	pg.Stop()
	os.Exit(code)
}

func TestPostgres(t *testing.T) {
	runSuite(t, func(t *testing.T) *Store {
		s, err := Open(context.Background(), pg.Database(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}
