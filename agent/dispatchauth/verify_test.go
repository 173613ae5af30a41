package dispatchauth_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/dispatchauth"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/envelope"
)

func reasonOf(err error) dispatchauth.Reason {
	var r *dispatchauth.Refusal
	if errors.As(err, &r) {
		return r.Reason
	}
	return ""
}

// Every way a dispatch can be wrong has its own stable reason.
func TestRefusalReasons(t *testing.T) {
	f := newFixture(t, true)
	good := f.resolved("A1")
	other := good
	other.Terminal = "T2"
	otherSite := good
	otherSite.Site = "S2"
	old := good
	old.TS = envelope.Time(t0.Add(-dispatchauth.MaxAge - time.Second))
	ahead := good
	ahead.TS = envelope.Time(t0.Add(dispatchauth.MaxSkew + time.Second))
	noTS := good
	noTS.TS = envelope.Time{}
	badState := good
	badState.State = "teleported"
	plain, _ := json.Marshal(good)
	env, err := dsse.Parse(sign(t, good, f.console), dsse.MaxDispatchEnvelope)
	if err != nil {
		t.Fatal(err)
	}
	env.Payload = []byte(strings.Replace(string(env.Payload), `"A1"`, `"A2"`, 1))
	tampered, _ := env.Marshal()
	wrongType, _ := mustSign(t, dsse.TypeConfig, plain, f)
	noSigs := []byte(`{"payloadType":"` + dsse.TypeDispatch + `","payload":"` + base64.StdEncoding.EncodeToString(plain) + `","signatures":[]}`)
	for _, tc := range []struct {
		name string
		raw  []byte
		want dispatchauth.Reason
	}{
		{"plain object (the forgery of issue 8)", []byte(`{"alert_id":"A1","state":"resolved","guard":"evil"}`), dispatchauth.ReasonUnsigned},
		{"plain object with every field", plain, dispatchauth.ReasonUnsigned},
		{"envelope without signatures", noSigs, dispatchauth.ReasonUnsigned},
		{"signed by an untrusted key", sign(t, good, f.stranger), dispatchauth.ReasonUnknownKey},
		{"payload changed after signing", tampered, dispatchauth.ReasonBadSignature},
		{"another terminal", sign(t, other, f.console), dispatchauth.ReasonWrongTerminal},
		{"another site", sign(t, otherSite, f.console), dispatchauth.ReasonWrongTerminal},
		{"older than five minutes", sign(t, old, f.console), dispatchauth.ReasonStale},
		{"from the future", sign(t, ahead, f.console), dispatchauth.ReasonFuture},
		{"no ts", sign(t, noTS, f.console), dispatchauth.ReasonMalformed},
		{"unknown state", sign(t, badState, f.console), dispatchauth.ReasonMalformed},
		{"config payload type", wrongType, dispatchauth.ReasonMalformed},
		{"not JSON", []byte("{not json"), dispatchauth.ReasonMalformed},
		{"too large", []byte(`{"alert_id":"` + strings.Repeat("x", dsse.MaxDispatchEnvelope) + `"}`), dispatchauth.ReasonMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, _, err := f.v.Verify(tc.raw)
			if got := reasonOf(err); got != tc.want {
				t.Fatalf("got %v (%v, dispatch %+v), want reason %s", got, err, d, tc.want)
			}
		})
	}
}

func mustSign(t *testing.T, typ string, payload []byte, f *fixture) ([]byte, error) {
	t.Helper()
	env, err := dsse.Sign(typ, payload, f.console)
	if err != nil {
		t.Fatal(err)
	}
	return env.Marshal()
}

// A properly signed dispatch passes once, at the edges of its window too;
// the same bytes again are a replay.
func TestAcceptOnceWithinWindow(t *testing.T) {
	f := newFixture(t, true)
	d := f.resolved("A1")
	raw := sign(t, d, f.console)
	f.clk.Advance(dispatchauth.MaxAge) // exactly five minutes old: still fresh
	got, keyID, err := f.v.Verify(raw)
	if err != nil {
		t.Fatalf("signed dispatch refused: %v", err)
	}
	if got != d || keyID == "" {
		t.Fatalf("got %+v by %q, want %+v", got, keyID, d)
	}
	if _, _, err := f.v.Verify(raw); reasonOf(err) != dispatchauth.ReasonReplayed {
		t.Fatalf("second delivery: got %v, want replayed", err)
	}
	ahead := f.resolved("A2")
	ahead.TS = envelope.Time(f.clk.Now().Add(dispatchauth.MaxSkew))
	if _, _, err := f.v.Verify(sign(t, ahead, f.console)); err != nil {
		t.Fatalf("dispatch %s ahead refused: %v", dispatchauth.MaxSkew, err)
	}
}

// With no --dispatch-key, nothing passes, however well signed.
func TestNoKeyRefusesEverything(t *testing.T) {
	f := newFixture(t, false)
	_, _, err := f.v.Verify(sign(t, f.resolved("A1"), f.console))
	if reasonOf(err) != dispatchauth.ReasonUnknownKey || !strings.Contains(err.Error(), "no --dispatch-key") {
		t.Fatalf("got %v, want unknown_key naming the missing flag", err)
	}
}

// The replay cache stays bounded, and a replay is refused for as long as
// the message could otherwise pass.
func TestReplayCacheBounded(t *testing.T) {
	f := newFixture(t, true)
	const n = dispatchauth.DefaultReplayEntries + 100
	first := sign(t, f.resolved("A0"), f.console)
	if _, _, err := f.v.Verify(first); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < n; i++ {
		f.clk.Advance(time.Millisecond)
		if _, _, err := f.v.Verify(sign(t, f.resolved("A"+string(rune('a'+i%26))+strings.Repeat("x", i%7)+time.Duration(i).String()), f.console)); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.v.Remembered(); got != dispatchauth.DefaultReplayEntries {
		t.Fatalf("remembered %d, want the bound %d", got, dispatchauth.DefaultReplayEntries)
	}
	f.clk.Advance(dispatchauth.MaxAge + dispatchauth.MaxSkew + time.Second)
	if _, _, err := f.v.Verify(first); reasonOf(err) != dispatchauth.ReasonStale {
		t.Fatalf("old message after it left the cache: got %v, want stale", err)
	}
	if _, _, err := f.v.Verify(sign(t, f.resolved("B"), f.console)); err != nil {
		t.Fatal(err)
	}
	if got := f.v.Remembered(); got != 1 {
		t.Fatalf("remembered %d after the window passed, want 1", got)
	}
}
