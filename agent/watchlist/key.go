package watchlist

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"sync"
)

// KeySize is the length in bytes of a hash Key.
const KeySize = 32

// Key is the secret under which a List hashes its entries: an entry is
// stored as the first 8 bytes (big-endian) of HMAC-SHA-256(key, normalised
// number). A terminal draws one Key once and keeps it beside the hashed
// list it stores, so the list can be restored after a restart without the
// numbers; a List made by New draws a Key that lives in memory only.
type Key [KeySize]byte

// NewKey returns a fresh random Key from crypto/rand.
func NewKey() Key {
	var k Key
	_, _ = rand.Read(k[:]) // never fails (Go 1.24+): it crashes the program instead
	return k
}

// ID returns a short public fingerprint of the key (16 hex digits): the
// first 8 bytes of HMAC-SHA-256(key, "transferguard watchlist key id").
// A stored list records it, so hashes are never matched under another key.
// It reveals nothing useful about the key.
func (k Key) ID() string {
	m := hmac.New(sha256.New, k[:])
	m.Write([]byte("transferguard watchlist key id"))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// hasher computes the 64-bit keyed hash of normalised numbers. It is
// safe for concurrent use: each call borrows an HMAC state from a pool,
// so lookups from several goroutines do not allocate or contend.
type hasher struct {
	key  Key
	pool sync.Pool // of *mac
}

// mac is one reusable HMAC state with its output buffer.
type mac struct {
	h   hash.Hash
	out [sha256.Size]byte
	in  []byte // scratch for the normalised number
}

func newHasher(k Key) *hasher {
	h := &hasher{key: k}
	h.pool.New = func() any { return h.newMac() }
	return h
}

func (h *hasher) newMac() *mac { return &mac{h: hmac.New(sha256.New, h.key[:])} }

// sum hashes b; m must not be shared between goroutines.
func (m *mac) sum(b []byte) uint64 {
	m.h.Reset()
	m.h.Write(b)
	return binary.BigEndian.Uint64(m.h.Sum(m.out[:0]))
}
