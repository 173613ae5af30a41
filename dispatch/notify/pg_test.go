//go:build pg

package notify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/transferguard/transferguard/dispatch/notify"
	"github.com/transferguard/transferguard/dispatch/notify/notifytest"
	"github.com/transferguard/transferguard/dispatch/notify/webhook"
	"github.com/transferguard/transferguard/dispatch/pgtest"
	"github.com/transferguard/transferguard/dispatch/store"
)

// TestTwoInstancesOnPostgres: two instances share one PostgreSQL database,
// each with its own worker racing for the same rows; with the receiver
// refusing at first, then accepting, every notification is delivered
// once, in order per incident.
func TestTwoInstancesOnPostgres(t *testing.T) {
	dsn := pgtest.DSN(t)
	rcv := notifytest.NewReceiver(t)
	rcv.SetDown(true)
	chans := map[string]notify.Channel{"hook": &webhook.Channel{URL: rcv.URL, Secret: []byte("s")}}
	var stores [2]*store.Store
	var ids []string
	for k := range stores {
		st, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		stores[k] = st
		run(t, newWorker(t, st, chans, func(o *notify.Options) { o.Owner = fmt.Sprintf("instance-%d", k) }))
	}
	s0 := newService(t, stores[0], nil, ladder("hook"))
	s1 := newService(t, stores[1], nil, ladder("hook"))
	const n = 40
	for k := range n {
		svc := s0
		if k%2 == 1 {
			svc = s1
		}
		ids = append(ids, story(t, svc, stores[k%2], k))
	}
	time.Sleep(100 * time.Millisecond)
	rcv.SetDown(false)
	waitFor(t, "every delivery", func() bool { return backlog(t, stores[0]) == 0 })
	msgs := decode(t, rcv.Requests())
	if len(msgs) != 4*n {
		t.Fatalf("got %d messages, want %d", len(msgs), 4*n)
	}
	seen := map[string]bool{}
	order := map[string][]string{}
	for _, m := range msgs {
		if seen[m.ID] {
			t.Errorf("message %s (%s %s) delivered twice", m.ID, m.Incident.ID, m.Event)
		}
		seen[m.ID] = true
		order[m.Incident.ID] = append(order[m.Incident.ID], m.Event)
	}
	want := fmt.Sprint([]string{"raised", "claimed", "arrived", "resolved"})
	for _, id := range ids {
		if got := fmt.Sprint(order[id]); got != want {
			t.Errorf("incident %s events %s, want %s", id, got, want)
		}
	}
}
