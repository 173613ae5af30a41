//go:build pg

package feed

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/dispatch/pgtest"
)

var pg *pgtest.Server

func TestMain(m *testing.M) { pgtest.Main(m, &pg) }

// TestRelayBetweenInstances: what one instance publishes reaches the
// consoles of another through LISTEN/NOTIFY, once, and not back to itself;
// a local-only event stays local.
func TestRelayBetweenInstances(t *testing.T) {
	dsn := pg.Database(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, b := &Hub{}, &Hub{}
	for _, h := range []*Hub{a, b} {
		go func() { _ = NewPG(dsn, h, zerolog.Nop()).Run(ctx) }()
	}
	subA, subB := a.Subscribe(func(string) bool { return true }), b.Subscribe(func(string) bool { return true })
	time.Sleep(500 * time.Millisecond) // both LISTENing
	a.PublishLocal(Event{Kind: "incident", ID: "local", Site: "S1", Action: "changed"})
	a.Publish(Event{Kind: "incident", ID: "i1", Site: "S1", Action: "claimed", State: "claimed"})
	select {
	case e := <-subB.C:
		if e.ID != "i1" || e.Action != "claimed" {
			t.Fatalf("instance B got %+v, want i1 claimed", e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("instance B never heard of A's claim")
	}
	if e := <-subA.C; e.ID != "local" {
		t.Fatalf("A's first event %+v", e)
	}
	if e := <-subA.C; e.ID != "i1" {
		t.Fatalf("A's second event %+v", e)
	}
	select {
	case e := <-subA.C:
		t.Fatalf("A heard its own event back: %+v", e)
	case e := <-subB.C:
		t.Fatalf("B got a second event: %+v", e)
	case <-time.After(300 * time.Millisecond):
	}
}
