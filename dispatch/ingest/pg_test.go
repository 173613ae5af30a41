//go:build pg

package ingest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/transferguard/transferguard/dispatch/pgtest"
	"github.com/transferguard/transferguard/internal/mosquittotest"
)

// TestTwoInstancesOnPostgres: two instances of one group share a
// PostgreSQL database, as a production pair does; every alert, sent twice,
// becomes one incident.
func TestTwoInstancesOnPostgres(t *testing.T) {
	dsn := pgtest.DSN(t)
	b := mosquittotest.Start(t)
	one := startInstance(t, b.URL(), dsn, "one")
	startInstance(t, b.URL(), dsn, "two")
	ag := agent(t, b.URL())
	time.Sleep(300 * time.Millisecond)
	const n = 200
	for k := range n {
		a := alert(fmt.Sprintf("m%d", k), fmt.Sprintf("A%d", k))
		publish(t, ag, "tg/v1/S1/T1/alert", a)
		publish(t, ag, "tg/v1/S1/T1/alert", a)
	}
	list := waitOpen(t, one.st, n)
	seen := map[string]bool{}
	for _, i := range list {
		if seen[i.AlertID] {
			t.Fatalf("alert %s twice", i.AlertID)
		}
		seen[i.AlertID] = true
	}
}
