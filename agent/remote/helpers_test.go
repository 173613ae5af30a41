package remote_test

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/remote"
)

var (
	trustedKey = ed25519.NewKeyFromSeed(make([]byte, 32))
	otherKey   = ed25519.NewKeyFromSeed([]byte("0123456789abcdef0123456789abcdef"))
	testNow    = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
)

const (
	site     = "S1"
	terminal = "T1"
)

func keyRing(t testing.TB, keys ...ed25519.PrivateKey) *dsse.KeyRing {
	t.Helper()
	var pubs []ed25519.PublicKey
	for _, k := range keys {
		pubs = append(pubs, k.Public().(ed25519.PublicKey))
	}
	r, err := dsse.NewKeyRing(pubs...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func newRemote(t testing.TB, store remote.Store) *remote.Remote {
	t.Helper()
	r, err := remote.New(remote.Options{
		Keys: keyRing(t, trustedKey), Site: site, Terminal: terminal,
		Store: store, Clock: clock.Func(func() time.Time { return testNow }), Log: zerolog.Nop(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// doc returns a JSON document: the header fields then body's keys.
func doc(t testing.TB, header string, body map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(body) == 0 {
		return []byte("{" + header + "}")
	}
	return []byte("{" + header + "," + string(b[1:]))
}

func configDoc(t testing.TB, scope string, version int, body map[string]any) []byte {
	h := fmt.Sprintf(`"version":%d,"issued":"2026-11-26T09:00:00Z","scope":%q`, version, scope)
	switch scope {
	case "site":
		h += fmt.Sprintf(`,"site":%q`, site)
	case "terminal":
		h += fmt.Sprintf(`,"site":%q,"terminal":%q`, site, terminal)
	}
	return doc(t, h, body)
}

func watchDoc(version int, accounts ...string) []byte {
	a, _ := json.Marshal(accounts)
	return []byte(fmt.Sprintf(`{"version":%d,"issued":"2026-11-26T09:00:00Z","accounts":%s,"phones":["13800138000"]}`, version, a))
}

func sign(t testing.TB, key ed25519.PrivateKey, payloadType string, payload []byte) []byte {
	t.Helper()
	env, err := dsse.Sign(payloadType, payload, key)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := env.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func cooling(body int) map[string]any {
	return map[string]any{"timings": map[string]any{"cooling_off_s": body}}
}

type ed25519PublicKey = ed25519.PublicKey

func newRemoteNow() time.Time { return testNow }
