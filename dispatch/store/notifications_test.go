package store

import (
	"context"
	"testing"
	"time"

	"github.com/transferguard/transferguard/dispatch/incident"
)

// testNotifications: rows come out oldest first; of two owners claiming
// one row, one wins; a lease that ran out can be taken over; the loser of
// a taken-over lease cannot finish the row; finishing deletes it and adds
// the step; a rolled-back enqueue leaves nothing.
func testNotifications(t *testing.T, s *Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	for k, id := range []string{"n2", "n1", "n3"} {
		n := Notification{ID: id, Channel: "hook", IncidentID: "i1", Event: "raised", Rung: "lobby", Body: []byte(`{"v":1}`),
			Created: t0.Add(time.Duration([]int{1, 0, 2}[k]) * time.Second)}
		if err := s.EnqueueNotification(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	_ = s.Tx(ctx, func(q Queries) error {
		_ = q.EnqueueNotification(ctx, Notification{ID: "gone", Channel: "hook", IncidentID: "i1", Created: t0})
		return ErrConflict // rolled back
	})
	list, err := s.OldestNotifications(ctx, "hook", 10)
	if err != nil || len(list) != 3 || list[0].ID != "n1" || list[2].ID != "n3" || string(list[0].Body) != `{"v":1}` {
		t.Fatalf("got %+v %v, want n1, n2, n3", list, err)
	}
	now := t0.Add(time.Minute)
	if ok, err := s.ClaimNotification(ctx, "n1", "a", now, now.Add(30*time.Second)); !ok || err != nil {
		t.Fatalf("first claim: %v %v", ok, err)
	}
	if ok, _ := s.ClaimNotification(ctx, "n1", "b", now, now.Add(30*time.Second)); ok {
		t.Fatal("second owner claimed a leased row")
	}
	later := now.Add(31 * time.Second)
	if ok, _ := s.ClaimNotification(ctx, "n1", "b", later, later.Add(30*time.Second)); !ok {
		t.Fatal("an expired lease was not taken over")
	}
	step := incident.Step{IncidentID: "i1", At: later, Actor: incident.ActorSystem, Action: incident.ActionNotified, Detail: "hook"}
	if done, _ := s.FinishNotification(ctx, "n1", "a", step); done {
		t.Fatal("the owner whose lease ran out finished the row")
	}
	if done, err := s.FinishNotification(ctx, "n1", "b", step); !done || err != nil {
		t.Fatalf("finish: %v %v", done, err)
	}
	if ok, _ := s.ClaimNotification(ctx, "n2", "a", later, later.Add(time.Minute)); !ok {
		t.Fatal("claim of n2")
	}
	if err := s.RetryNotification(ctx, "n2", "a", later.Add(time.Hour), "down"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.ClaimNotification(ctx, "n2", "b", later.Add(time.Minute), later.Add(2*time.Minute)); ok {
		t.Fatal("claimed a row before its retry time")
	}
	steps, _ := s.Steps(ctx, "i1")
	backlog, _ := s.NotificationBacklog(ctx)
	if len(steps) != 1 || steps[0].Action != incident.ActionNotified || backlog["hook"] != 2 {
		t.Fatalf("steps %+v, backlog %v", steps, backlog)
	}
	left, _ := s.OldestNotifications(ctx, "hook", 10)
	if left[0].LastError != "down" || left[0].Attempts != 1 || !left[0].NextAt.Equal(later.Add(time.Hour)) {
		t.Fatalf("rescheduled row %+v", left[0])
	}
}
