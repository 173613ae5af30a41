package service

import (
	"context"
	"testing"

	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/dispatch/store"
)

// The customer is told who is coming and when (CONTRACT §7): the claim
// carries the guard's display name and the chosen ETA, arrival is sent,
// and a guard without a display name is never named by the login.
func TestDispatchTellsTheCustomerWhoIsComing(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	if err := r.st.PutUser(ctx, store.User{Name: "g1", Hash: "h", Role: "guard", Sites: []string{"S1"}, Created: t0, DisplayName: "王师傅"}); err != nil {
		t.Fatal(err)
	}
	_ = r.svc.HandleAlert(ctx, mkAlert("m1", "A1", "T1", "high"))
	_ = r.svc.HandleAlert(ctx, mkAlert("m2", "A2", "T2", "high"))
	open := r.open(t)
	byAlert := map[string]string{}
	for _, i := range open {
		byAlert[i.AlertID] = i.ID
	}
	if _, err := r.svc.Claim(ctx, byAlert["A1"], "g1", 180); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Arrive(ctx, byAlert["A1"], "g1"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Claim(ctx, byAlert["A2"], "nobody-named", 60); err != nil {
		t.Fatal(err)
	}
	if len(r.pub.ds) != 3 {
		t.Fatalf("sent %d dispatches, want 3: %+v", len(r.pub.ds), r.pub.ds)
	}
	claim, arrived, other := r.pub.ds[0], r.pub.ds[1], r.pub.ds[2]
	if claim.State != wire.DispatchClaimed || claim.GuardName != "王师傅" || claim.ETAS != 180 {
		t.Errorf("claim dispatch %+v, want guard_name 王师傅 and eta_s 180", claim)
	}
	if arrived.State != wire.DispatchArrived || arrived.GuardName != "王师傅" {
		t.Errorf("arrival dispatch %+v, want arrived by 王师傅", arrived)
	}
	if other.GuardName != "" {
		t.Errorf("guard without a display name told the customer %q", other.GuardName)
	}
}
