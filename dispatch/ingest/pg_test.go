//go:build pg

package ingest_test

import (
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/transferguard/transferguard/dispatch/ingest"

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

// TestBatchWhoseCommitFailsIsRetried: PostgreSQL refuses the commit of
// every transaction that opened an incident (a deferred constraint
// trigger, checked at COMMIT) until the first batch has come back. Nothing
// of that batch is stored by its commit; its messages are handled again
// one by one (the session records then commit, the alerts fail again) and
// the alerts retried until stored: every alert is one incident raised
// once, every session record stored once and told at most once.
func TestBatchWhoseCommitFailsIsRetried(t *testing.T) {
	dsn := pgtest.DSN(t)
	b := mosquittotest.Start(t)
	cl, st, rec := startRecorded(t, b.URL(), dsn, 1)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	onlyAlerts := func(m ingest.Message, err error) {
		if m.Alert == nil {
			t.Errorf("%s failed, but only incidents trip the commit: %v", kindOf(m), err)
		}
	}
	failed, size := tripUntilFirstFailure(t, db, rec, onlyAlerts,
		`CREATE FUNCTION trip() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
		   IF EXISTS (SELECT 1 FROM trip) THEN RAISE EXCEPTION 'tripped at commit'; END IF; RETURN NULL; END $$`,
		`CREATE CONSTRAINT TRIGGER trip AFTER INSERT ON incidents DEFERRABLE INITIALLY DEFERRED
		 FOR EACH ROW EXECUTE FUNCTION trip()`)
	ag := agent(t, b.URL())
	time.Sleep(300 * time.Millisecond)
	const n = 30
	sendAlerts(t, cl, rec, func(topic string, v any) { publish(t, ag, topic, v) }, n)
	storedOnce(t, st, n)
	if failed.Load() < 2 || size.Load() < 2 {
		t.Fatalf("%d messages failed (the first batch of %d messages), want the alerts of a batch of several", failed.Load(), size.Load())
	}
}
