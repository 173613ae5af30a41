package service

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/dispatch/feed"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/notify"
	"github.com/transferguard/transferguard/dispatch/store"
)

// notifyRig is a rig whose ladder names channels: "lobby" on the first
// rung, "manager" and "lobby" again on the second.
func notifyRig(t *testing.T) (*rig, *int) {
	r := newRig(t)
	l := incident.DefaultLadder()
	l.Rungs[0].Channels = []string{"lobby"}
	l.Rungs[1].Channels = []string{"manager", "lobby"}
	woken := new(int)
	var err error
	r.svc, err = New(Options{Store: r.st, Publisher: r.pub, Feed: &feed.Hub{}, Clock: r.clk, Ladder: l, Log: zerolog.Nop(),
		Notify: Notifications{ConsoleURL: "https://desk.bank/", Location: func(s, t string) string { return s + "-" + t + " lobby" },
			Wake: func() { *woken++ }}})
	if err != nil {
		t.Fatal(err)
	}
	return r, woken
}

// pending lists every pending notification as "channel event rung".
func pending(t *testing.T, st *store.Store) []string {
	t.Helper()
	var out []string
	for _, ch := range []string{"lobby", "manager"} {
		list, err := st.OldestNotifications(context.Background(), ch, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range list {
			out = append(out, n.Channel+" "+n.Event+" "+n.Rung)
		}
	}
	return out
}

// TestStepsEnqueueNotifications: raised goes to the first rung's channel;
// an escalation to the second rung goes to both channels, once each (a
// renotification of the first rung before it, to the first only); the
// message says where and links to the console; the worker is woken after
// each commit that wrote rows.
func TestStepsEnqueueNotifications(t *testing.T) {
	r, woken := notifyRig(t)
	ctx := context.Background()
	if err := r.svc.HandleAlert(ctx, mkAlert("m1", "A1", "T1", "high")); err != nil {
		t.Fatal(err)
	}
	if got := pending(t, r.st); len(got) != 1 || got[0] != "lobby raised lobby guards" {
		t.Fatalf("after raise: %v", got)
	}
	if *woken != 1 {
		t.Errorf("woken %d times, want 1", *woken)
	}
	r.clk.Advance(2*time.Minute + time.Second)
	if err := r.svc.Escalate(ctx); err != nil {
		t.Fatal(err)
	}
	got := pending(t, r.st)
	want := []string{"lobby raised lobby guards", "lobby renotified lobby guards", "lobby escalated lobby guards",
		"manager escalated branch manager"}
	if len(got) != len(want) {
		t.Fatalf("after escalation: %v, want %v", got, want)
	}
	for n := range want {
		if got[n] != want[n] {
			t.Errorf("row %d: %q, want %q", n, got[n], want[n])
		}
	}
	list, _ := r.st.OldestNotifications(ctx, "lobby", 1)
	m, err := notify.Decode(list[0].Body)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != list[0].ID || m.Incident.Location != "S1-T1 lobby" || m.Incident.URL != "https://desk.bank/incidents/"+m.Incident.ID {
		t.Errorf("message %+v", m)
	}
}

// TestRolledBackStepWritesNoNotification: a step that fails (claiming a
// resolved incident) leaves no notification behind.
func TestRolledBackStepWritesNoNotification(t *testing.T) {
	r, _ := notifyRig(t)
	ctx := context.Background()
	if err := r.svc.HandleAlert(ctx, mkAlert("m1", "A1", "T1", "high")); err != nil {
		t.Fatal(err)
	}
	i := r.open(t)[0]
	if _, err := r.svc.Resolve(ctx, i.ID, "ann", incident.OutcomeFalseAlarm, ""); err != nil {
		t.Fatal(err)
	}
	before := len(pending(t, r.st))
	if _, err := r.svc.Claim(ctx, i.ID, "bob", 0); err == nil {
		t.Fatal("claimed a resolved incident")
	}
	if after := len(pending(t, r.st)); after != before {
		t.Fatalf("%d rows after a refused step, want %d", after, before)
	}
}
