package dsse

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func testKey(t testing.TB, name string) ed25519.PrivateKey {
	t.Helper()
	k, err := ParsePrivateKey(mustRead(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func ring(t testing.TB, keys ...ed25519.PrivateKey) *KeyRing {
	t.Helper()
	var pubs []ed25519.PublicKey
	for _, k := range keys {
		pubs = append(pubs, k.Public().(ed25519.PublicKey))
	}
	r, err := NewKeyRing(pubs...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestPAE(t *testing.T) {
	// The example of the DSSE protocol specification.
	got := string(PAE("http://example.com/HelloWorld", []byte("hello world")))
	want := "DSSEv1 29 http://example.com/HelloWorld 11 hello world"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got := string(PAE("", nil)); got != "DSSEv1 0  0 " {
		t.Fatalf("empty: got %q", got)
	}
}

func TestKeyIDMatchesOpenSSL(t *testing.T) {
	pubs, err := ParsePublicKeys(mustRead(t, "pub.pem"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSpace(string(mustRead(t, "pub.keyid")))
	if got := KeyID(pubs[0]); got != want {
		t.Fatalf("got %s, want %s (openssl pkey -outform DER | sha256sum)", got, want)
	}
}

func TestVerifyOpenSSLEnvelope(t *testing.T) {
	env, err := Parse(mustRead(t, "openssl-envelope.json"), MaxConfigEnvelope)
	if err != nil {
		t.Fatal(err)
	}
	pubs, err := ParsePublicKeys(append(mustRead(t, "pub2.pem"), mustRead(t, "pub.pem")...))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := NewKeyRing(pubs...)
	id, err := r.Verify(env)
	if err != nil {
		t.Fatal(err)
	}
	if id != KeyID(pubs[1]) {
		t.Fatalf("got key %s, want %s", id, KeyID(pubs[1]))
	}
}

func TestSignParseRoundTrip(t *testing.T) {
	k := testKey(t, "key.pem")
	env, err := Sign(TypeWatchlist, []byte(`{"version":1}`), k)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := env.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(raw, MaxConfigEnvelope)
	if err != nil {
		t.Fatal(err)
	}
	if got.PayloadType != TypeWatchlist || string(got.Payload) != `{"version":1}` {
		t.Fatalf("got %+v", got)
	}
	if _, err := ring(t, k).Verify(got); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyErrors(t *testing.T) {
	k1, k2 := testKey(t, "key.pem"), testKey(t, "key2.pem")
	trusted := ring(t, k1)
	signed := func(k ed25519.PrivateKey) *Envelope {
		e, err := Sign(TypeConfig, []byte(`{"version":2}`), k)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	tests := []struct {
		name   string
		mutate func(e *Envelope)
		want   error
	}{
		{"valid", func(e *Envelope) {}, nil},
		{"wrong keyid still verifies", func(e *Envelope) { e.Signatures[0].KeyID = "nope" }, nil},
		{"empty keyid still verifies", func(e *Envelope) { e.Signatures[0].KeyID = "" }, nil},
		{"unsigned", func(e *Envelope) { e.Signatures = nil }, ErrUnsigned},
		{"untrusted key", func(e *Envelope) { *e = *signed(k2) }, ErrUnknownKey},
		{"untrusted key claiming trusted id", func(e *Envelope) {
			id := e.Signatures[0].KeyID
			*e = *signed(k2)
			e.Signatures[0].KeyID = id
		}, ErrTampered},
		{"payload changed", func(e *Envelope) { e.Payload = []byte(`{"version":3}`) }, ErrTampered},
		{"type changed", func(e *Envelope) { e.PayloadType = TypeWatchlist }, ErrTampered},
		{"signature flipped", func(e *Envelope) { e.Signatures[0].Sig[5] ^= 1 }, ErrTampered},
		{"signature short", func(e *Envelope) { e.Signatures[0].Sig = e.Signatures[0].Sig[:63] }, ErrBadSignature},
		{"second signature valid", func(e *Envelope) {
			bad := Signature{KeyID: "x", Sig: make([]byte, 64)}
			e.Signatures = append([]Signature{bad}, e.Signatures...)
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := signed(k1)
			tt.mutate(e)
			_, err := trusted.Verify(e)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestParseStrict(t *testing.T) {
	good := `{"payloadType":"t","payload":"eyJ2IjoxfQ==","signatures":[{"keyid":"a","sig":"AAAA"}]}`
	if _, err := Parse([]byte(good), 1000); err != nil {
		t.Fatalf("good envelope: %v", err)
	}
	tests := []struct {
		name, raw string
		limit     int
		want      error
	}{
		{"too large", good, 20, ErrTooLarge},
		{"not json", `{"payloadType":`, 1000, ErrMalformed},
		{"unknown key", strings.Replace(good, `"payloadType"`, `"extra":1,"payloadType"`, 1), 1000, ErrMalformed},
		{"trailing data", good + `{}`, 1000, ErrMalformed},
		{"no type", strings.Replace(good, `"t"`, `""`, 1), 1000, ErrMalformed},
		{"truncated base64", strings.Replace(good, "eyJ2IjoxfQ==", "eyJ2IjoxfQ", 1), 1000, ErrMalformed},
		{"url alphabet", strings.Replace(good, "AAAA", "A-_A", 1), 1000, ErrMalformed},
		{"newline in base64", strings.Replace(good, "eyJ2IjoxfQ==", `eyJ2\nIjoxfQ==`, 1), 1000, ErrMalformed},
		{"trailing bits", strings.Replace(good, "AAAA", "AAB=", 1), 1000, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.raw), tt.limit)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestParsePublicKeys(t *testing.T) {
	both := append(mustRead(t, "pub.pem"), mustRead(t, "pub2.pem")...)
	keys, err := ParsePublicKeys(both)
	if err != nil || len(keys) != 2 {
		t.Fatalf("got %d keys, %v; want 2", len(keys), err)
	}
	if _, err := ParsePublicKeys(mustRead(t, "key.pem")); err == nil {
		t.Fatal("private key accepted as trust key")
	}
	if _, err := ParsePublicKeys([]byte("junk")); err == nil {
		t.Fatal("junk accepted")
	}
	if _, err := ParsePrivateKey(mustRead(t, "pub.pem")); err == nil {
		t.Fatal("public key accepted as private key")
	}
}

func TestMarshalKeysRoundTrip(t *testing.T) {
	k := testKey(t, "key.pem")
	privPEM, err := MarshalPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(privPEM, mustRead(t, "key.pem")) {
		t.Fatalf("private PEM differs from openssl's:\n%s", privPEM)
	}
	pubPEM, _ := MarshalPublicKey(k.Public().(ed25519.PublicKey))
	if !bytes.Equal(pubPEM, mustRead(t, "pub.pem")) {
		t.Fatalf("public PEM differs from openssl's:\n%s", pubPEM)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"openssl-envelope.json", "payload.json"} {
		f.Add(mustRead(f, name))
	}
	f.Add([]byte(`{"payloadType":"t","payload":"","signatures":[{"keyid":"","sig":"` +
		base64.StdEncoding.EncodeToString(make([]byte, 64)) + `"}]}`))
	k := testKey(f, "key.pem")
	r := ring(f, k)
	f.Fuzz(func(t *testing.T, raw []byte) {
		env, err := Parse(raw, MaxConfigEnvelope)
		if err != nil {
			return
		}
		_, _ = r.Verify(env)
		out, err := env.Marshal()
		if err != nil {
			t.Fatalf("marshal parsed envelope: %v", err)
		}
		again, err := Parse(out, MaxConfigEnvelope+len(out))
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if again.PayloadType != env.PayloadType || !bytes.Equal(again.Payload, env.Payload) || len(again.Signatures) != len(env.Signatures) {
			t.Fatalf("round trip changed the envelope")
		}
	})
}
