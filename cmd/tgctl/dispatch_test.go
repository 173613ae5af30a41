package main

import (
	"os"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/dispatchauth"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/envelope"
)

// verifier checks a dispatch as terminal S1/T1 would, trusting pubFile.
type verifier struct{ v *dispatchauth.Verifier }

func verifierFor(t *testing.T, pubFile string) verifier {
	t.Helper()
	b, err := os.ReadFile(pubFile)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := dsse.ParsePublicKeys(b)
	if err != nil {
		t.Fatal(err)
	}
	ring, _ := dsse.NewKeyRing(keys...)
	v, err := dispatchauth.New(dispatchauth.Options{Keys: ring, Site: "S1", Terminal: "T1", Clock: clock.Real{}})
	if err != nil {
		t.Fatal(err)
	}
	return verifier{v}
}

func (v verifier) Verify(raw []byte) (envelope.Dispatch, error) {
	d, _, err := v.v.Verify(raw)
	return d, err
}

// signDispatch dates the message at the time given, so a terminal's
// freshness check sees the moment of sending.
func TestSignDispatchDatesAndBinds(t *testing.T) {
	prefix := keys(t)
	d, err := dispatchMessage("S1", "T1", "a1", "resolved", "g", 0)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	raw, err := signDispatch(d, prefix+".key", at)
	if err != nil {
		t.Fatal(err)
	}
	env, err := dsse.Parse(raw, dsse.MaxDispatchEnvelope)
	if err != nil || env.PayloadType != dsse.TypeDispatch {
		t.Fatalf("envelope: %v %+v", err, env)
	}
	want := `{"alert_id":"a1","state":"resolved","guard":"g","site":"S1","terminal":"T1","ts":"2026-12-01T10:00:00.000Z"}`
	if string(env.Payload) != want {
		t.Fatalf("payload: got %s, want %s", env.Payload, want)
	}
}
