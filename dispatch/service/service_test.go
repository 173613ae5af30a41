package service

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/dispatch/feed"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/store"
)

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// recorder is a Publisher that keeps what it was given.
type recorder struct {
	mu   sync.Mutex
	sent []string
	ds   []envelope.Dispatch
}

func (r *recorder) Dispatch(_ context.Context, site, terminal string, d envelope.Dispatch) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, site+"/"+terminal+" "+d.AlertID+" "+string(d.State)+" "+d.Guard)
	r.ds = append(r.ds, d)
	return nil
}

type rig struct {
	svc *Service
	st  *store.Store
	pub *recorder
	clk *clock.Fake
	sub *feed.Sub
}

func newRig(t *testing.T) *rig {
	t.Helper()
	st, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	r := &rig{st: st, pub: &recorder{}, clk: clock.NewFake(t0)}
	hub := &feed.Hub{}
	r.sub = hub.Subscribe(func(string) bool { return true })
	r.svc, err = New(Options{Store: st, Publisher: r.pub, Feed: hub, Clock: r.clk, Ladder: incident.DefaultLadder(),
		FollowWindow: 30 * time.Minute, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func mkAlert(id, alertID, terminal, level string) envelope.Alert {
	return envelope.Alert{V: 1, ID: id, Type: "alert", AlertID: alertID, TS: envelope.Time(t0), Site: "S1", Terminal: terminal,
		Kind: "risk", Level: wire.Level(level), Score: 85, Held: true, Reasons: []envelope.Reason{{Rule: "r", Text: "t"}},
		Customer: &envelope.Customer{CardKey: "ck-" + alertID}, Txn: &envelope.Txn{AmountMinor: 100, Currency: "CNY"}}
}

func (r *rig) open(t *testing.T) []incident.Incident {
	t.Helper()
	list, err := r.st.OpenIncidents(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestAlertDedupAndFold(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	a := mkAlert("m1", "A1", "T1", "medium")
	for range 3 {
		if err := r.svc.HandleAlert(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	u := mkAlert("m2", "A1", "T1", "high")
	u.Type, u.State = "alert_update", "cancelled"
	_ = r.svc.HandleAlert(ctx, u)
	open := r.open(t)
	if len(open) != 1 || open[0].Level != "high" || open[0].TxnState != "cancelled" {
		t.Fatalf("got %+v, want one high cancelled incident", open)
	}
	steps, _ := r.st.Steps(ctx, open[0].ID)
	if len(steps) != 2 || steps[0].Action != "raised" || steps[1].Action != "updated" {
		t.Fatalf("steps %+v", steps)
	}
	if e := <-r.sub.C; e.Action != "raised" || e.ID != open[0].ID {
		t.Fatalf("first event %+v", e)
	}
	if err := r.svc.HandleAlert(ctx, envelope.Alert{ID: "x", Type: "alert"}); err == nil {
		t.Fatal("alert without alert_id accepted")
	}
}

func TestStepsReachTheTerminal(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	_ = r.svc.HandleAlert(ctx, mkAlert("m1", "A1", "T1", "high"))
	id := r.open(t)[0].ID
	if _, err := r.svc.Claim(ctx, id, "g1", 60); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Claim(ctx, id, "g2", 60); err == nil {
		t.Fatal("second claim accepted")
	}
	r.clk.Advance(time.Minute)
	_, _ = r.svc.Arrive(ctx, id, "g1")
	if _, err := r.svc.Resolve(ctx, id, "g1", incident.OutcomeFraudStopped, "called the bank"); err != nil {
		t.Fatal(err)
	}
	want := []string{"S1/T1 A1 claimed g1", "S1/T1 A1 arrived g1", "S1/T1 A1 resolved g1"}
	if len(r.pub.sent) != 3 || r.pub.sent[0] != want[0] || r.pub.sent[2] != want[2] {
		t.Fatalf("sent %q, want %q", r.pub.sent, want)
	}
	if len(r.open(t)) != 0 {
		t.Fatal("resolved incident still open")
	}
}

func TestEscalationOnTime(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	_ = r.svc.HandleAlert(ctx, mkAlert("m1", "A1", "T1", "high"))
	r.clk.Advance(2*time.Minute + time.Second)
	if err := r.svc.Escalate(ctx); err != nil {
		t.Fatal(err)
	}
	i := r.open(t)[0]
	if i.Rung != 1 {
		t.Fatalf("rung %d after 2 min, want 1 (branch manager)", i.Rung)
	}
	steps, _ := r.st.Steps(ctx, i.ID)
	var got []string
	for _, s := range steps {
		got = append(got, s.Action)
	}
	if len(got) != 3 || got[1] != "renotified" || got[2] != "escalated" {
		t.Fatalf("steps %v", got)
	}
	_ = r.svc.Escalate(ctx) // nothing more due
	if s2, _ := r.st.Steps(ctx, i.ID); len(s2) != 3 {
		t.Fatalf("second pass added steps: %d", len(s2))
	}
}

func TestFollowTheVictim(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	a := mkAlert("m1", "A1", "T1", "high")
	_ = r.svc.HandleAlert(ctx, a)
	r.clk.Advance(10 * time.Minute)
	b := mkAlert("m2", "A2", "T2", "medium")
	b.Customer.CardKey = a.Customer.CardKey
	_ = r.svc.HandleAlert(ctx, b)
	var follow *incident.Incident
	for _, i := range r.open(t) {
		if i.Kind == incident.KindFollowUp {
			follow = &i
		}
	}
	if follow == nil || follow.Terminal != "T2" || follow.Level != "high" {
		t.Fatalf("no follow-up at T2: %+v", r.open(t))
	}
	c := mkAlert("m3", "A3", "T3", "medium") // unrelated card
	_ = r.svc.HandleAlert(ctx, c)
	if n := len(r.open(t)); n != 4 {
		t.Fatalf("open %d, want 4", n)
	}
}

func TestHealthIncidents(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	on := envelope.Status{State: "online", TS: t0, Boot: "b1", Link: "up", UI: "up"}
	_ = r.svc.HandleStatus(ctx, "S1", "T1", on)
	off := envelope.Status{State: "offline", TS: t0.Add(time.Minute), Boot: "b1"}
	for range 2 { // retained status redelivered
		_ = r.svc.HandleStatus(ctx, "S1", "T1", off)
	}
	open := r.open(t)
	if len(open) != 1 || open[0].Kind != incident.KindOffline {
		t.Fatalf("open %+v, want one offline incident", open)
	}
	back := envelope.Status{State: "online", TS: t0.Add(2 * time.Minute), Boot: "b2", Link: "down", UI: "up"}
	_ = r.svc.HandleStatus(ctx, "S1", "T1", back)
	open = r.open(t)
	if len(open) != 1 || open[0].Kind != incident.KindLinkDown {
		t.Fatalf("open %+v, want only link_down", open)
	}
	if len(r.pub.sent) != 0 {
		t.Fatalf("health incidents sent dispatch: %v", r.pub.sent)
	}
	term, _ := r.st.Terminal(ctx, "S1", "T1")
	if term.Boot != "b2" || term.Link != "down" {
		t.Fatalf("terminal %+v", term)
	}
}

func TestSessionJoinsStory(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	_ = r.svc.HandleAlert(ctx, mkAlert("m1", "A1", "T1", "high"))
	rec := envelope.SessionRecord{ID: "s1", Site: "S1", Terminal: "T1", Session: "x", AlertID: "A1", EndReason: "end",
		Screens: []envelope.ScreenShown{{Name: "transfer_warning", DurationMS: 12000, Ack: "key"}}}
	_ = r.svc.HandleSession(ctx, rec)
	_ = r.svc.HandleSession(ctx, rec)
	steps, _ := r.st.Steps(ctx, r.open(t)[0].ID)
	if len(steps) != 2 || steps[1].Action != "session" {
		t.Fatalf("steps %+v", steps)
	}
}

// TestPeersSeeEachOthersIncidents: with a shared store, an instance's
// consoles hear of incidents another instance handled.
func TestPeersSeeEachOthersIncidents(t *testing.T) {
	a := newRig(t)
	hub := &feed.Hub{}
	sub := hub.Subscribe(func(string) bool { return true })
	b, err := New(Options{Store: a.st, Publisher: &recorder{}, Feed: hub, Clock: a.clk, Ladder: incident.DefaultLadder(), Peers: true, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	var f follower
	_ = f.poll(context.Background(), b) // starts following from now
	a.clk.Advance(time.Second)
	_ = a.svc.HandleAlert(context.Background(), mkAlert("m1", "A1", "T1", "high"))
	if err := f.poll(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-sub.C:
		if e.AlertID != "A1" || e.Action != incident.ActionRaised {
			t.Fatalf("peer event %+v", e)
		}
	default:
		t.Fatal("peer instance's console heard nothing")
	}
	_ = f.poll(context.Background(), b)
	select {
	case e := <-sub.C:
		t.Fatalf("same change announced twice: %+v", e)
	default:
	}
}
