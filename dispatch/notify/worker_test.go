package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/notify"
	"github.com/transferguard/transferguard/dispatch/notify/notifytest"
	"github.com/transferguard/transferguard/dispatch/notify/webhook"
	"github.com/transferguard/transferguard/dispatch/service"
	"github.com/transferguard/transferguard/dispatch/store"
)

// nopPublisher stands in for the MQTT link; these tests are about the
// notification outbox.
type nopPublisher struct{}

func (nopPublisher) Dispatch(context.Context, string, string, envelope.Dispatch) error { return nil }

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// ladder tells channel "hook" on the first rung.
func ladder(channels ...string) incident.Ladder {
	l := incident.DefaultLadder()
	l.Rungs[0].Channels = channels
	return l
}

func newService(t *testing.T, st *store.Store, w *notify.Worker, l incident.Ladder) *service.Service {
	t.Helper()
	o := service.Options{Store: st, Publisher: nopPublisher{}, Ladder: l, Log: zerolog.Nop()}
	if w != nil {
		o.Notify.Wake = w.Wake
	}
	svc, err := service.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func newWorker(t *testing.T, st *store.Store, chans map[string]notify.Channel, tune func(*notify.Options)) *notify.Worker {
	t.Helper()
	o := notify.Options{Store: st, Channels: chans, Owner: "test", Timeout: 2 * time.Second, Backoff: 5 * time.Millisecond,
		MaxBackoff: 40 * time.Millisecond, Poll: 10 * time.Millisecond, Log: zerolog.Nop()}
	if tune != nil {
		tune(&o)
	}
	w, err := notify.NewWorker(o)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func run(t *testing.T, w *notify.Worker) context.CancelFunc {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = w.Run(ctx) }()
	stop := func() { cancel(); wg.Wait() }
	t.Cleanup(stop)
	return stop
}

func alert(n int) envelope.Alert {
	return envelope.Alert{V: 1, ID: fmt.Sprintf("m%d", n), Type: wire.TypeAlert, AlertID: fmt.Sprintf("A%d", n),
		TS: envelope.Time(time.Now()), Site: "S1", Terminal: "T1", Kind: wire.KindRisk, Level: wire.LevelHigh, Held: true,
		Reasons: []envelope.Reason{{Rule: "r", Text: "t"}}}
}

// story raises incident n and takes it through claimed, arrived, resolved.
func story(t *testing.T, svc *service.Service, st *store.Store, n int) string {
	t.Helper()
	ctx := context.Background()
	if err := svc.HandleAlert(ctx, alert(n)); err != nil {
		t.Fatal(err)
	}
	i, err := st.IncidentByAlert(ctx, fmt.Sprintf("A%d", n))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Claim(ctx, i.ID, "ann", 60); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Arrive(ctx, i.ID, "ann"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Resolve(ctx, i.ID, "ann", incident.OutcomeFraudStopped, ""); err != nil {
		t.Fatal(err)
	}
	return i.ID
}

// waitFor polls cond for up to 20 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func decode(t *testing.T, reqs []notifytest.Request) []notify.Message {
	t.Helper()
	var out []notify.Message
	for _, r := range reqs {
		var m notify.Message
		if err := json.Unmarshal(r.Body, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func countSteps(t *testing.T, st *store.Store, id, action string) int {
	t.Helper()
	steps, err := st.Steps(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range steps {
		if s.Action == action {
			n++
		}
	}
	return n
}

func backlog(t *testing.T, st *store.Store) int {
	b, err := st.NotificationBacklog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range b {
		n += v
	}
	return n
}

// TestReceiverDownThenUp: while the receiver refuses, events pile up and
// are retried; once it is back every one arrives, once, in order per
// incident, and each delivery is a "notified" step.
func TestReceiverDownThenUp(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "d.db"))
	rcv := notifytest.NewReceiver(t)
	rcv.SetDown(true)
	w := newWorker(t, st, map[string]notify.Channel{"hook": &webhook.Channel{URL: rcv.URL, Secret: []byte("s")}}, nil)
	svc := newService(t, st, w, ladder("hook"))
	run(t, w)
	var ids []string
	for n := range 3 {
		ids = append(ids, story(t, svc, st, n))
	}
	time.Sleep(200 * time.Millisecond) // several failed attempts
	if got := len(rcv.Requests()); got != 0 {
		t.Fatalf("receiver down but %d accepted", got)
	}
	rcv.SetDown(false)
	waitFor(t, "12 deliveries", func() bool { return backlog(t, st) == 0 })
	msgs := decode(t, rcv.Requests())
	if len(msgs) != 12 {
		t.Fatalf("got %d messages, want 12", len(msgs))
	}
	seen := map[string]bool{}
	order := map[string][]string{}
	for _, m := range msgs {
		if seen[m.ID] {
			t.Errorf("message %s twice", m.ID)
		}
		seen[m.ID] = true
		order[m.Incident.ID] = append(order[m.Incident.ID], m.Event)
	}
	want := fmt.Sprint([]string{"raised", "claimed", "arrived", "resolved"})
	for _, id := range ids {
		if got := fmt.Sprint(order[id]); got != want {
			t.Errorf("incident %s events %s, want %s", id, got, want)
		}
		if n := countSteps(t, st, id, incident.ActionNotified); n != 4 {
			t.Errorf("incident %s has %d notified steps, want 4", id, n)
		}
	}
}

// TestGivesUpAfterRetryFor: a channel that never answers is given up once
// RetryFor has passed, with a notify_failed step, and the row is gone.
func TestGivesUpAfterRetryFor(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "d.db"))
	rcv := notifytest.NewReceiver(t)
	rcv.SetDown(true)
	w := newWorker(t, st, map[string]notify.Channel{"hook": &webhook.Channel{URL: rcv.URL, Secret: []byte("s")}},
		func(o *notify.Options) { o.RetryFor = 150 * time.Millisecond })
	svc := newService(t, st, w, ladder("hook"))
	run(t, w)
	if err := svc.HandleAlert(context.Background(), alert(1)); err != nil {
		t.Fatal(err)
	}
	i, _ := st.IncidentByAlert(context.Background(), "A1")
	waitFor(t, "notify_failed step", func() bool { return countSteps(t, st, i.ID, incident.ActionNotifyFailed) == 1 })
	if n := backlog(t, st); n != 0 {
		t.Fatalf("%d rows left after giving up", n)
	}
}

// TestCapGivesUpOldestFirst: a dead channel holds at most MaxPending rows;
// the oldest are given up first, each a notify_failed step.
func TestCapGivesUpOldestFirst(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "d.db"))
	rcv := notifytest.NewReceiver(t)
	rcv.SetDown(true)
	w := newWorker(t, st, map[string]notify.Channel{"hook": &webhook.Channel{URL: rcv.URL, Secret: []byte("s")}},
		func(o *notify.Options) { o.MaxPending, o.Backoff, o.MaxBackoff = 3, time.Hour, time.Hour })
	svc := newService(t, st, nil, ladder("hook"))
	var ids []string
	for n := range 6 {
		if err := svc.HandleAlert(context.Background(), alert(n)); err != nil {
			t.Fatal(err)
		}
		i, _ := st.IncidentByAlert(context.Background(), fmt.Sprintf("A%d", n))
		ids = append(ids, i.ID)
	}
	run(t, w)
	waitFor(t, "the backlog down to the cap", func() bool { return backlog(t, st) == 3 })
	for n, id := range ids {
		failed := countSteps(t, st, id, incident.ActionNotifyFailed)
		if want := map[bool]int{true: 1, false: 0}[n < 3]; failed != want {
			t.Errorf("incident %d: %d notify_failed steps, want %d", n, failed, want)
		}
	}
}

// stuck is a channel that never answers until its context ends.
type stuck struct{}

func (stuck) Send(ctx context.Context, _ notify.Message) error { <-ctx.Done(); return ctx.Err() }

// TestDeadChannelDoesNotBlockOthers: a channel that hangs holds up only
// itself; the other channel of the rung gets every event at once.
func TestDeadChannelDoesNotBlockOthers(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "d.db"))
	rcv := notifytest.NewReceiver(t)
	w := newWorker(t, st, map[string]notify.Channel{"dead": stuck{}, "hook": &webhook.Channel{URL: rcv.URL, Secret: []byte("s")}},
		func(o *notify.Options) { o.Timeout, o.Lease = time.Minute, 2*time.Minute })
	svc := newService(t, st, w, ladder("dead", "hook"))
	run(t, w)
	story(t, svc, st, 1)
	waitFor(t, "4 deliveries to the live channel", func() bool {
		b, _ := st.NotificationBacklog(context.Background())
		return b["hook"] == 0
	})
	b, _ := st.NotificationBacklog(context.Background())
	if got := len(rcv.Requests()); got != 4 || b["dead"] != 4 {
		t.Fatalf("live channel got %d, dead backlog %d; want 4 and 4", got, b["dead"])
	}
}

// TestRestartResumes: rows written while the receiver was down, by a
// worker that then stopped, are delivered by a new worker on a reopened
// store.
func TestRestartResumes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.db")
	rcv := notifytest.NewReceiver(t)
	rcv.SetDown(true)
	chans := map[string]notify.Channel{"hook": &webhook.Channel{URL: rcv.URL, Secret: []byte("s")}}
	st1, _ := store.Open(context.Background(), "sqlite:"+path)
	w1 := newWorker(t, st1, chans, nil)
	stop := run(t, w1)
	id := story(t, newService(t, st1, w1, ladder("hook")), st1, 1)
	time.Sleep(100 * time.Millisecond)
	stop()
	_ = st1.Close()
	rcv.SetDown(false)
	st2 := openStore(t, path)
	run(t, newWorker(t, st2, chans, nil))
	waitFor(t, "delivery after restart", func() bool { return backlog(t, st2) == 0 })
	if got := len(rcv.Requests()); got != 4 {
		t.Fatalf("%d delivered, want 4", got)
	}
	if n := countSteps(t, st2, id, incident.ActionNotified); n != 4 {
		t.Fatalf("%d notified steps, want 4", n)
	}
}

// TestUnconfiguredChannelLeftThenGivenUp: rows for a channel this instance
// does not have are not claimed (another instance may have it) until they
// are older than RetryFor; then they are given up with a step.
func TestUnconfiguredChannelLeftThenGivenUp(t *testing.T) {
	st := openStore(t, filepath.Join(t.TempDir(), "d.db"))
	svc := newService(t, st, nil, ladder("gone"))
	if err := svc.HandleAlert(context.Background(), alert(1)); err != nil {
		t.Fatal(err)
	}
	i, _ := st.IncidentByAlert(context.Background(), "A1")
	run(t, newWorker(t, st, map[string]notify.Channel{}, func(o *notify.Options) { o.RetryFor = 300 * time.Millisecond }))
	time.Sleep(100 * time.Millisecond)
	list, _ := st.OldestNotifications(context.Background(), "gone", 1)
	if len(list) != 1 || list[0].Attempts != 0 {
		t.Fatalf("row %+v: claimed by an instance without the channel", list)
	}
	waitFor(t, "notify_failed", func() bool { return countSteps(t, st, i.ID, incident.ActionNotifyFailed) == 1 })
}
