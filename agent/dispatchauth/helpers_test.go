package dispatchauth_test

import (
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/dispatchauth"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

var t0 = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// fixture is a terminal S1/T1 that trusts console and not stranger.
type fixture struct {
	clk      *clock.Fake
	console  ed25519.PrivateKey
	stranger ed25519.PrivateKey
	v        *dispatchauth.Verifier
}

func newFixture(t *testing.T, trusted bool) *fixture {
	t.Helper()
	f := &fixture{clk: clock.NewFake(t0), console: newKey(t), stranger: newKey(t)}
	var keys []ed25519.PublicKey
	if trusted {
		keys = append(keys, f.console.Public().(ed25519.PublicKey))
	}
	ring, err := dsse.NewKeyRing(keys...)
	if err != nil {
		t.Fatal(err)
	}
	f.v, err = dispatchauth.New(dispatchauth.Options{Keys: ring, Site: "S1", Terminal: "T1", Clock: f.clk})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func newKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// resolved is a "resolved" for alertID on S1/T1 signed at the fake now.
func (f *fixture) resolved(alertID string) envelope.Dispatch {
	return envelope.Dispatch{AlertID: alertID, State: wire.DispatchResolved, Guard: "g7", GuardName: "王师傅",
		Site: "S1", Terminal: "T1", TS: envelope.Time(f.clk.Now())}
}

func sign(t *testing.T, d envelope.Dispatch, key ed25519.PrivateKey) []byte {
	t.Helper()
	raw, err := dispatchauth.Sign(d, key)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
