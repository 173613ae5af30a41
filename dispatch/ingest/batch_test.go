package ingest_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
	_ "modernc.org/sqlite" // the store's driver, to set a trap in its database

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/ingest"
	"github.com/transferguard/transferguard/dispatch/service"
	"github.com/transferguard/transferguard/dispatch/store"
	"github.com/transferguard/transferguard/internal/mosquittotest"
)

// recorder stands between ingest and the real service: it holds the first
// call until gate is closed (so the test can queue messages behind it),
// and notes the kind of every message in the order it was stored.
type recorder struct {
	svc     *service.Service
	gate    chan struct{}
	entered chan struct{}
	once    sync.Once
	opened  sync.Once
	mu      sync.Mutex
	stored  []string                                  // "alert", "status", "session", "config"
	batches func(msgs []ingest.Message, errs []error) // nil: nothing; called after every batch
}

func (r *recorder) hold() {
	r.once.Do(func() { close(r.entered); <-r.gate })
}

// release lets the held call go on.
func (r *recorder) release() { r.opened.Do(func() { close(r.gate) }) }

func (r *recorder) note(kind string, err error) error {
	if err == nil {
		r.mu.Lock()
		r.stored = append(r.stored, kind)
		r.mu.Unlock()
	}
	return err
}

func kindOf(m ingest.Message) string {
	switch {
	case m.Alert != nil:
		return "alert"
	case m.Session != nil:
		return "session"
	case m.Status != nil:
		return "status"
	}
	return "config"
}

func (r *recorder) HandleBatch(ctx context.Context, msgs []ingest.Message) []error {
	r.hold()
	errs := r.svc.HandleBatch(ctx, msgs)
	for n, m := range msgs {
		_ = r.note(kindOf(m), errs[n])
	}
	if r.batches != nil {
		r.batches(msgs, errs)
	}
	return errs
}

func (r *recorder) HandleAlert(ctx context.Context, a envelope.Alert) error {
	r.hold()
	return r.note("alert", r.svc.HandleAlert(ctx, a))
}

func (r *recorder) HandleStatus(ctx context.Context, site, terminal string, st envelope.Status) error {
	r.hold()
	return r.note("status", r.svc.HandleStatus(ctx, site, terminal, st))
}

func (r *recorder) HandleSession(ctx context.Context, rec envelope.SessionRecord) error {
	r.hold()
	return r.note("session", r.svc.HandleSession(ctx, rec))
}

func (r *recorder) HandleConfigState(ctx context.Context, site, terminal string, st envelope.ConfigState) error {
	r.hold()
	return r.note("config", r.svc.HandleConfigState(ctx, site, terminal, st))
}

// startRecorded is one instance with workers workers whose handler is a
// recorder holding its first call.
func startRecorded(t *testing.T, broker, dsn string, workers int) (*ingest.Client, *store.Store, *recorder) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := ingest.New(ingest.Config{Broker: broker, Group: "g", ClientID: "rec-" + t.Name(), Workers: workers}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	svc, err := service.New(service.Options{Store: st, Publisher: cl, Ladder: incident.DefaultLadder(), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{svc: svc, gate: make(chan struct{}), entered: make(chan struct{})}
	done := make(chan error, 1)
	go func() { done <- cl.Run(ctx, rec) }()
	t.Cleanup(func() { rec.release(); cancel(); <-done; _ = st.Close() })
	return cl, st, rec
}

// holdFirst publishes an online status that the instance's worker takes
// first and holds, so what is published next queues behind it.
func holdFirst(t *testing.T, rec *recorder, publish func(topic string, v any)) {
	t.Helper()
	publish("tg/v1/S0/T0/status", envelope.Status{State: "online", Boot: "b", Link: "up", UI: "up", TS: time.Now()})
	select {
	case <-rec.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the instance never took the first status")
	}
}

// waitQueued waits until the client holds at least urgent alerts or
// session records and bulk statuses for its workers.
func waitQueued(t *testing.T, cl *ingest.Client, urgent, bulk int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		u, b := cl.Queued()
		if u >= urgent && b >= bulk {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("queued %d alerts and %d statuses, want %d and %d", u, b, urgent, bulk)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestAlertOvertakesQueuedStatuses: with the one worker busy, 300
// terminals go offline (each status a health incident to store) and then
// one alert arrives. The alert's incident is stored before any of those
// statuses — neither in the broker's queue for this instance (statuses
// have their own connection) nor in the instance's own — so the flood a
// mass outage or a connect storm makes never queues in front of an alert;
// and every status is still stored.
func TestAlertOvertakesQueuedStatuses(t *testing.T) {
	b := mosquittotest.Start(t)
	cl, st, rec := startRecorded(t, b.URL(), "sqlite:"+filepath.Join(t.TempDir(), "d.db"), 1)
	ag := agent(t, b.URL())
	time.Sleep(300 * time.Millisecond) // the instance subscribes after connecting
	pub := func(topic string, v any) { publish(t, ag, topic, v) }
	holdFirst(t, rec, pub)
	const n = 300
	for k := range n {
		pub(fmt.Sprintf("tg/v1/S1/T%d/status", k), envelope.Status{State: "offline", Boot: "b", TS: time.Now()})
	}
	pub("tg/v1/S1/T1/alert", alert("m1", "A1"))
	waitQueued(t, cl, 1, 1)
	rec.release()

	list := waitOpen(t, st, n+1)
	rec.mu.Lock()
	order := slices.Clone(rec.stored)
	rec.mu.Unlock()
	at := slices.Index(order, "alert")
	if at < 0 || at > 1 { // [0] is the held status; the alert comes next
		t.Fatalf("the alert was stored at position %d of %d, behind %d queued statuses", at, len(order), at-1)
	}
	risk := 0
	for _, i := range list {
		if i.Kind == incident.KindRisk {
			risk++
		}
	}
	if risk != 1 {
		t.Fatalf("%d risk incidents, want 1 (and %d offline)", risk, n)
	}
}

// sendAlerts publishes n alerts A0…, each followed by its session record,
// with the instance's worker held so they queue up into batches.
func sendAlerts(t *testing.T, cl *ingest.Client, rec *recorder, pub func(topic string, v any), n int) {
	t.Helper()
	holdFirst(t, rec, pub)
	for k := range n {
		pub("tg/v1/S1/T1/alert", alert(fmt.Sprintf("m%d", k), fmt.Sprintf("A%d", k)))
		pub("tg/v1/S1/T1/session", envelope.SessionRecord{V: 1, ID: fmt.Sprintf("r%d", k), Type: "session",
			TS: envelope.Time(time.Now()), Site: "S1", Terminal: "T1", Session: fmt.Sprintf("s%d", k), AlertID: fmt.Sprintf("A%d", k)})
	}
	waitQueued(t, cl, 10, 0) // up to the broker's in-flight window
	rec.release()
}

// storedOnce checks every alert A0…A(n-1) is one incident raised once, and
// its session record is stored and told in its story once.
func storedOnce(t *testing.T, st *store.Store, n int) {
	t.Helper()
	ctx := context.Background()
	for _, i := range waitOpen(t, st, n) {
		steps, err := st.Steps(ctx, i.ID)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, s := range steps {
			count[s.Action]++
		}
		recs, err := st.SessionRecords(ctx, i.AlertID)
		if err != nil {
			t.Fatal(err)
		}
		if count[incident.ActionRaised] != 1 || count[incident.ActionSession] > 1 || len(recs) != 1 {
			t.Fatalf("%s: raised %d times, session told %d times, %d session records; want 1, at most 1, 1",
				i.AlertID, count[incident.ActionRaised], count[incident.ActionSession], len(recs))
		}
	}
}

// TestFailedMessageOfABatchIsRetriedAlone: the store refuses one alert of
// a batch (a trigger, until the batch has come back). The batch is handled
// again one by one: the others are stored, the refused one is retried on
// its own until stored, and acknowledged; nothing is lost or stored twice.
func TestFailedMessageOfABatchIsRetriedAlone(t *testing.T) {
	b := mosquittotest.Start(t)
	path := filepath.Join(t.TempDir(), "d.db")
	cl, st, rec := startRecorded(t, b.URL(), "sqlite:"+path, 1)
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	failed, size := tripUntilFirstFailure(t, db, rec, nil,
		`CREATE TRIGGER trip BEFORE INSERT ON incidents WHEN NEW.alert_id = 'A3' AND EXISTS (SELECT 1 FROM trip)
		 BEGIN SELECT RAISE(ABORT, 'tripped'); END`)
	ag := agent(t, b.URL())
	time.Sleep(300 * time.Millisecond)
	const n = 30
	sendAlerts(t, cl, rec, func(topic string, v any) { publish(t, ag, topic, v) }, n)
	storedOnce(t, st, n)
	if failed.Load() != 1 || size.Load() < 2 {
		t.Fatalf("%d messages failed in batches (the first of %d messages), want 1 in a batch of several", failed.Load(), size.Load())
	}
}

// tripUntilFirstFailure arms a store fault on db: a table trip with one
// row, and the statements (a trigger that fails while trip has a row).
// It counts the messages that fail in batches; the first failure empties
// trip, so later tries succeed, and size keeps that batch's length. check,
// when given, sees every failed message.
func tripUntilFirstFailure(t *testing.T, db *sql.DB, rec *recorder, check func(ingest.Message, error), arm ...string) (failed, size *atomic.Int64) {
	t.Helper()
	for _, q := range append([]string{`CREATE TABLE trip (n INTEGER)`, `INSERT INTO trip VALUES (1)`}, arm...) {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	failed, size = new(atomic.Int64), new(atomic.Int64)
	rec.batches = func(msgs []ingest.Message, errs []error) {
		for n, err := range errs {
			if err == nil {
				continue
			}
			if check != nil {
				check(msgs[n], err)
			}
			if failed.Add(1) == 1 {
				size.Store(int64(len(msgs)))
				if _, err := db.Exec(`DELETE FROM trip`); err != nil {
					t.Error(err)
				}
			}
		}
	}
	return failed, size
}
