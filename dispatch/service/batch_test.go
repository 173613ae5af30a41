package service

import (
	"context"
	"errors"
	"testing"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/dispatch/ingest"
)

// TestBatchIsHandledAsOneByOne: one batch holding an alert three times,
// its update, an invalid alert and two terminals' statuses stores what the
// same messages one by one would — one incident raised once and updated
// once, the invalid alert refused as the message's own fault, an offline
// health incident — and tells the consoles after the commit.
func TestBatchIsHandledAsOneByOne(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	a := mkAlert("m1", "A1", "T1", "medium")
	u := mkAlert("m2", "A1", "T1", "high")
	u.Type, u.State = "alert_update", "cancelled"
	now := t0
	msgs := []ingest.Message{
		{Site: "S1", Terminal: "T1", Alert: &a}, {Site: "S1", Terminal: "T1", Alert: &a},
		{Site: "S1", Terminal: "T2", Status: &envelope.Status{State: "offline", Boot: "b", TS: now}},
		{Site: "S1", Terminal: "T1", Alert: &u}, {Site: "S1", Terminal: "T1", Alert: &a},
		{Site: "S1", Terminal: "T1", Alert: &envelope.Alert{ID: "x", Type: "alert"}},
		{Site: "S1", Terminal: "T3", Status: &envelope.Status{State: "online", Boot: "b", Link: "up", UI: "up", TS: now}},
	}
	errs := r.svc.HandleBatch(ctx, msgs)
	for n, err := range errs {
		if invalid := n == 5; invalid != (err != nil) || (invalid && !errors.Is(err, ingest.ErrRejected)) {
			t.Fatalf("message %d: %v", n, err)
		}
	}
	var risk, offline int
	for _, i := range r.open(t) {
		switch i.Kind {
		case "risk":
			risk++
			steps, _ := r.st.Steps(ctx, i.ID)
			if i.Level != "high" || i.TxnState != "cancelled" || len(steps) != 2 || steps[0].Action != "raised" || steps[1].Action != "updated" {
				t.Fatalf("incident %+v, steps %+v", i, steps)
			}
		case "offline":
			offline++
		}
	}
	if risk != 1 || offline != 1 {
		t.Fatalf("%d risk and %d offline incidents, want 1 and 1", risk, offline)
	}
	told := map[string]int{}
	for len(r.sub.C) > 0 {
		e := <-r.sub.C
		told[e.Kind+" "+e.Action]++
	}
	if told["incident raised"] != 2 || told["incident updated"] != 1 || told["terminal offline"] != 1 || told["terminal online"] != 1 {
		t.Fatalf("consoles were told %v", told)
	}
}
