//go:build pg

package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
)

// Two transactions storing session records of the same two sites in
// opposite orders (two tgdispatch instances, each storing a batch) both
// commit, and every record is counted once. Counting each record as it
// was stored made them wait on each other's choice_counts row: PostgreSQL
// found a deadlock and failed one of them.
func TestChoiceCountsOfCrossedBatchesDoNotDeadlock(t *testing.T) {
	s, err := Open(context.Background(), pg.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	rec := func(id, site string) envelope.SessionRecord {
		return envelope.SessionRecord{ID: id, Site: site, Terminal: "T1", Session: id, TS: envelope.Time(at), Choice: "stop"}
	}
	stored := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
	batch := func(n int, first, second string) error {
		return s.Tx(ctx, func(q Queries) error {
			if err := q.PutSessionRecord(ctx, rec(fmt.Sprintf("r%d-1", n), first)); err != nil {
				return err
			}
			close(stored[n])
			select { // both transactions hold their first record before either stores a second
			case <-stored[1-n]:
			case <-ctx.Done():
				return ctx.Err()
			}
			return q.PutSessionRecord(ctx, rec(fmt.Sprintf("r%d-2", n), second))
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- batch(0, "S1", "S2") }()
	go func() { errs <- batch(1, "S2", "S1") }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("a batch failed: %v", err)
		}
	}
	counts, err := s.ChoiceCounts(ctx, at.Truncate(time.Hour), at.Truncate(time.Hour).Add(time.Hour), nil)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(counts) != "[{S1 stop 2} {S2 stop 2}]" {
		t.Errorf("choice counts %v, want S1 and S2 each with 2 stops", counts)
	}
}
