package dsse

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
)

// Verification errors; each maps to one rejection reason.
var (
	// ErrUnsigned: the envelope carries no signature at all.
	ErrUnsigned = errors.New("dsse: envelope has no signatures")
	// ErrUnknownKey: no signature names a trusted key and none verifies
	// with one (signed with a key this terminal does not trust).
	ErrUnknownKey = errors.New("dsse: no signature by a trusted key")
	// ErrBadSignature: a signature names a trusted key but is not an
	// Ed25519 signature at all (wrong length).
	ErrBadSignature = errors.New("dsse: signature is not a valid ed25519 signature")
	// ErrTampered: a well-formed signature names a trusted key but does not
	// verify over PAE(payloadType, payload): the payload, its type or the
	// signature changed after signing.
	ErrTampered = errors.New("dsse: signature does not match the payload")
)

// KeyID is the documented key identifier: lower-case hex SHA-256 of the
// key's DER SubjectPublicKeyInfo (the bytes of a PEM "PUBLIC KEY" block),
// as go-securesystemslib computes it. With openssl:
// openssl pkey -pubin -in pub.pem -outform DER | sha256sum.
func KeyID(pub ed25519.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil { // only for a key of the wrong length
		return ""
	}
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// KeyRing is a set of trusted Ed25519 public keys. It is read-only after
// construction and safe for concurrent use.
type KeyRing struct {
	keys  []ed25519.PublicKey
	byID  map[string]ed25519.PublicKey
	order []string
}

// NewKeyRing builds a key ring; duplicate keys are kept once.
func NewKeyRing(keys ...ed25519.PublicKey) (*KeyRing, error) {
	r := &KeyRing{byID: map[string]ed25519.PublicKey{}}
	for i, k := range keys {
		if len(k) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("dsse: key %d: length %d, want %d", i, len(k), ed25519.PublicKeySize)
		}
		id := KeyID(k)
		if _, dup := r.byID[id]; dup {
			continue
		}
		r.byID[id] = k
		r.keys = append(r.keys, k)
		r.order = append(r.order, id)
	}
	return r, nil
}

// IDs returns the key ids of the ring in the order given.
func (r *KeyRing) IDs() []string { return append([]string(nil), r.order...) }

// Len returns the number of trusted keys.
func (r *KeyRing) Len() int { return len(r.keys) }

// Verify returns the key id of a trusted key that signed e, or one of
// ErrUnsigned, ErrUnknownKey, ErrBadSignature, ErrTampered. The keyid in
// a signature picks the key tried first; every other trusted key is tried
// after it, so a wrong or empty keyid never hides a valid signature.
func (r *KeyRing) Verify(e *Envelope) (string, error) {
	if len(e.Signatures) == 0 {
		return "", ErrUnsigned
	}
	msg := e.signedBytes()
	namedBad, namedFailed := false, false
	for _, s := range e.Signatures {
		named, isNamed := r.byID[s.KeyID]
		if len(s.Sig) != ed25519.SignatureSize {
			namedBad = namedBad || isNamed
			continue
		}
		if isNamed {
			if ed25519.Verify(named, msg, s.Sig) {
				return s.KeyID, nil
			}
			namedFailed = true
		}
		for i, k := range r.keys {
			if r.order[i] != s.KeyID && ed25519.Verify(k, msg, s.Sig) {
				return r.order[i], nil
			}
		}
	}
	switch {
	case namedFailed:
		return "", ErrTampered
	case namedBad:
		return "", ErrBadSignature
	default:
		return "", ErrUnknownKey
	}
}

// Sign returns an envelope of payload signed with key.
func Sign(payloadType string, payload []byte, key ed25519.PrivateKey) (*Envelope, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("dsse: sign: private key length %d, want %d", len(key), ed25519.PrivateKeySize)
	}
	if payloadType == "" {
		return nil, errors.New("dsse: sign: empty payload type")
	}
	pub, _ := key.Public().(ed25519.PublicKey)
	sig := ed25519.Sign(key, PAE(payloadType, payload))
	return &Envelope{
		PayloadType: payloadType,
		Payload:     payload,
		Signatures:  []Signature{{KeyID: KeyID(pub), Sig: sig}},
	}, nil
}

// ParsePublicKeys reads one or more PEM "PUBLIC KEY" (PKIX) blocks holding
// Ed25519 keys, as openssl pkey -pubout writes them. Any other block, or
// no block at all, is an error.
func ParsePublicKeys(pemBytes []byte) ([]ed25519.PublicKey, error) {
	var keys []ed25519.PublicKey
	rest := pemBytes
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "PUBLIC KEY" {
			return nil, fmt.Errorf("dsse: pem block %q, want \"PUBLIC KEY\"", block.Type)
		}
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("dsse: parse public key %d: %w", len(keys)+1, err)
		}
		ek, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("dsse: public key %d is %T, want ed25519", len(keys)+1, k)
		}
		keys = append(keys, ek)
	}
	if len(keys) == 0 {
		return nil, errors.New("dsse: no PEM \"PUBLIC KEY\" block found")
	}
	return keys, nil
}

// ParsePrivateKey reads a PEM "PRIVATE KEY" (PKCS#8) block holding an
// Ed25519 key, as openssl genpkey -algorithm ed25519 writes it.
func ParsePrivateKey(pemBytes []byte) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("dsse: no PEM block found")
	}
	if block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("dsse: pem block %q, want \"PRIVATE KEY\" (PKCS#8)", block.Type)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("dsse: parse private key: %w", err)
	}
	ek, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("dsse: private key is %T, want ed25519", k)
	}
	return ek, nil
}

// MarshalPublicKey encodes pub as a PEM "PUBLIC KEY" (PKIX) block.
func MarshalPublicKey(pub ed25519.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("dsse: marshal public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// MarshalPrivateKey encodes key as a PEM "PRIVATE KEY" (PKCS#8) block.
func MarshalPrivateKey(key ed25519.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("dsse: marshal private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}
