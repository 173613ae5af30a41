package service

import (
	"context"
	"crypto/ed25519"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/dispatchauth"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/store"
)

// wirePub keeps the bytes a Publisher would put on the broker.
type wirePub struct {
	mu   sync.Mutex
	sent [][]byte
}

func (p *wirePub) Dispatch(_ context.Context, _, _ string, d envelope.Dispatch) error {
	b, err := d.MarshalJSON()
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent = append(p.sent, b)
	return nil
}

// What tgdispatch publishes for a claim and a resolve verifies on the
// terminal with its public key, bound to that terminal and dated now.
func TestPublishedDispatchVerifies(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(nil)
	st, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	clk, pub := clock.NewFake(t0), &wirePub{}
	svc, err := New(Options{Store: st, Publisher: pub, Clock: clk, Ladder: incident.DefaultLadder(), SigningKey: key, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := svc.HandleAlert(ctx, mkAlert("m1", "A1", "T1", "high")); err != nil {
		t.Fatal(err)
	}
	open, err := st.OpenIncidents(ctx, nil)
	if err != nil || len(open) != 1 {
		t.Fatalf("incidents %v %v", open, err)
	}
	clk.Advance(time.Minute)
	if _, err := svc.Claim(ctx, open[0].ID, "g7", 90); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Resolve(ctx, open[0].ID, "g7", incident.OutcomeFraudStopped, "called the bank"); err != nil {
		t.Fatal(err)
	}
	ring, _ := dsse.NewKeyRing(key.Public().(ed25519.PublicKey))
	v, _ := dispatchauth.New(dispatchauth.Options{Keys: ring, Site: "S1", Terminal: "T1", Clock: clk})
	if len(pub.sent) != 2 {
		t.Fatalf("published %d dispatch, want 2", len(pub.sent))
	}
	for i, want := range []wire.DispatchState{wire.DispatchClaimed, wire.DispatchResolved} {
		d, _, err := v.Verify(pub.sent[i])
		if err != nil {
			t.Fatalf("%s as published (%s) does not verify: %v", want, pub.sent[i], err)
		}
		if d.State != want || d.AlertID != "A1" || !time.Time(d.TS).Equal(clk.Now()) {
			t.Errorf("got %+v, want %s for A1 at %s", d, want, clk.Now())
		}
	}
}
