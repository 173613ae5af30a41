//go:build pg

package store

import (
	"context"
	"testing"

	"github.com/transferguard/transferguard/dispatch/pgtest"
)

var pg *pgtest.Server

// TestMain starts one PostgreSQL for the package; each test gets its own
// database. Missing PostgreSQL fails the run.
func TestMain(m *testing.M) { pgtest.Main(m, &pg) }

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
