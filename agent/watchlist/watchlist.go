// Package watchlist holds the police watchlist of fraud-linked accounts and
// phone numbers (CONTRACT §5) and answers "is this number listed?" in well
// under a microsecond for lists of up to a million entries.
//
// # Trust model
//
// Entries arrive only inside a signed document (agent/remote checks the
// signature); this package does not trust or distrust them. It keeps no
// entry in plain, in memory or on disk: each normalised number is reduced
// to a 64-bit keyed hash, HMAC-SHA-256 under a 32-byte Key truncated to 8
// bytes, and the hashes are kept sorted for binary search. Without the Key
// the hashes say nothing about the numbers; with it, a number can only be
// found by guessing it and hashing the guess (docs/signing.md states the
// cost). MarshalBinary and Decode store and restore a List under its Key
// so a terminal need not keep the numbers to match after a restart.
//
// # Matching
//
// Both the list and the number looked up are normalised the same way (see
// NormalizeAccount and NormalizePhone), hashed under the same Key, and
// compared as 64-bit values. A listed number always matches. An unlisted
// number matches by accident only if its hash collides with one of the n
// listed hashes: probability n/2^64 per lookup, about 5.4e-14 for a
// million entries, i.e. never in the life of a fleet; and a collision
// would only raise a false alert, never hide a listed number.
package watchlist

import (
	"slices"

	"github.com/transferguard/transferguard/agent/phone"
)

// List is an immutable set of hashed accounts and phones. It is safe for
// concurrent use; a new list replaces an old one as a whole.
type List struct {
	hash     *hasher
	accounts []uint64
	phones   []uint64
}

// New builds a list under a fresh random Key that is never stored: for
// lists that live in memory only (the local configuration's entries).
// Entries that normalise to nothing are skipped (the document parser
// rejects them before this point).
func New(accounts, phones []string) *List {
	return NewKeyed(NewKey(), accounts, phones)
}

// NewKeyed builds a list whose entries are hashed under key.
func NewKeyed(key Key, accounts, phones []string) *List {
	l := &List{hash: newHasher(key)}
	l.accounts = l.hashAll(accounts, appendAccount[string])
	l.phones = l.hashAll(phones, appendPhone[string])
	return l
}

// Key returns the key the list's entries are hashed under.
func (l *List) Key() Key { return l.hash.key }

func (l *List) hashAll(in []string, norm func([]byte, string) []byte) []uint64 {
	out := make([]uint64, 0, len(in))
	var buf []byte
	m := l.hash.newMac()
	for _, s := range in {
		if buf = norm(buf[:0], s); len(buf) > 0 {
			out = append(out, m.sum(buf))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// HasAccount reports whether the account (any formatting) is listed.
// A nil list lists nothing.
func (l *List) HasAccount(number string) bool {
	if l == nil {
		return false
	}
	return l.has(l.accounts, false, number)
}

// HasPhone reports whether the phone number (any formatting, with or
// without the +86 country prefix) is listed.
func (l *List) HasPhone(number string) bool {
	if l == nil {
		return false
	}
	return l.has(l.phones, true, number)
}

func (l *List) has(set []uint64, phone bool, number string) bool {
	m := l.hash.pool.Get().(*mac) // normalise into its buffer: lookups do not allocate
	defer l.hash.pool.Put(m)
	if phone {
		m.in = appendPhone(m.in[:0], number)
	} else {
		m.in = appendAccount(m.in[:0], number)
	}
	if len(m.in) == 0 {
		return false
	}
	_, found := slices.BinarySearch(set, m.sum(m.in))
	return found
}

// Len returns the number of distinct entries (accounts plus phones).
func (l *List) Len() int {
	if l == nil {
		return 0
	}
	return len(l.accounts) + len(l.phones)
}

// Accounts returns the number of distinct listed accounts.
func (l *List) Accounts() int {
	if l == nil {
		return 0
	}
	return len(l.accounts)
}

// Phones returns the number of distinct listed phone numbers.
func (l *List) Phones() int {
	if l == nil {
		return 0
	}
	return len(l.phones)
}

// NormalizeAccount keeps only the ASCII digits of an account number, so
// "6217 0000-1234" and "621700001234" are the same entry.
func NormalizeAccount(s string) string {
	return string(appendAccount(nil, s))
}

// NormalizePhone is the form a phone number is hashed in: phone.Normalize
// (so "+86 138 0013 8000", "0086-13800138000", "8613800138000" and
// "13800138000" are one entry, and "+86 571 8888 8888" equals
// "0571-88888888"), then a single trunk "0" dropped ("057188888888" →
// "57188888888"). The dropped 0 keeps the hashes of lists stored before
// phone.Normalize existed valid for every mainland number; numbers written
// with "+" and another country code ("+1 650 555 0100") now keep their
// international "00" and no longer collide with a mainland mobile.
func NormalizePhone(s string) string {
	return string(appendPhone(nil, s))
}

// appendAccount appends the normalised account in src to dst.
func appendAccount[T ~string | ~[]byte](dst []byte, src T) []byte {
	for i := 0; i < len(src); i++ {
		if c := src[i]; c >= '0' && c <= '9' {
			dst = append(dst, c)
		}
	}
	return dst
}

// appendPhone appends the normalised phone number in src to dst.
func appendPhone[T ~string | ~[]byte](dst []byte, src T) []byte {
	start := len(dst)
	dst = phone.AppendNormalized(dst, src)
	d := dst[start:]
	if len(d) > 0 && d[0] == '0' && (len(d) == 1 || d[1] != '0') {
		n := copy(d, d[1:])
		return dst[:start+n]
	}
	return dst
}

// With returns a new list holding l's entries and the given ones; l is
// unchanged. The local watchlist of the configuration adds to the signed
// one this way. A nil l gives New(accounts, phones).
func (l *List) With(accounts, phones []string) *List {
	if l == nil {
		return New(accounts, phones)
	}
	if len(accounts) == 0 && len(phones) == 0 {
		return l
	}
	n := &List{hash: l.hash}
	n.accounts = union(l.accounts, n.hashAll(accounts, appendAccount[string]))
	n.phones = union(l.phones, n.hashAll(phones, appendPhone[string]))
	return n
}

func union(a, b []uint64) []uint64 {
	out := make([]uint64, 0, len(a)+len(b))
	out = append(append(out, a...), b...)
	slices.Sort(out)
	return slices.Compact(out)
}
