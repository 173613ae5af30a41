//go:build pg

package store

import "testing"

// PGDatabase gives the external tests (package store_test) a fresh
// database on the package's PostgreSQL.
func PGDatabase(t *testing.T) string { return pg.Database(t) }
