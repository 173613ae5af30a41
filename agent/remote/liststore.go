package remote

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"github.com/transferguard/transferguard/agent/watchlist"
)

// Store names of the watchlist. The signed watchlist envelope holds the
// listed numbers in plain, so it is not stored (CONTRACT §4: no whole
// number in the state directory); what is stored is the list's keyed
// hashes with a metadata line, and the terminal's hash key.
const (
	listRecordName = "watchlist.hashes" // listMeta JSON line, then watchlist.List.MarshalBinary
	listKeyName    = "watchlist.key"    // the terminal's watchlist.Key, 32 random bytes
)

// listHash names the hash scheme in the metadata line.
const listHash = "hmac-sha256-64"

// listMeta is the metadata line of the stored watchlist: what was
// applied, who signed it, and digests that tie it to the envelope.
type listMeta struct {
	V              int       `json:"v"`
	Version        int64     `json:"version"`
	Issued         time.Time `json:"issued"`
	KeyID          string    `json:"keyid"`           // trusted key that signed the envelope
	EnvelopeSHA256 string    `json:"envelope_sha256"` // of the envelope as received
	PayloadSHA256  string    `json:"payload_sha256"`  // of the signed document (redelivery check)
	Accounts       int       `json:"accounts"`
	Phones         int       `json:"phones"`
	Entries        int       `json:"entries"`
	Applied        time.Time `json:"applied"`
	Hash           string    `json:"hash"`        // listHash
	HashKeyID      string    `json:"hash_key_id"` // watchlist.Key.ID of the hashes' key
}

// encodeListRecord returns the stored form of an applied watchlist.
func encodeListRecord(a *applied, envelope []byte, now time.Time) ([]byte, error) {
	env := sha256.Sum256(envelope)
	m := listMeta{V: 1, Version: a.version, Issued: a.issued, KeyID: a.keyID,
		EnvelopeSHA256: hex.EncodeToString(env[:]), PayloadSHA256: hex.EncodeToString(a.digest[:]),
		Accounts: a.list.Accounts(), Phones: a.list.Phones(), Entries: a.list.Len(),
		Applied: now.UTC(), Hash: listHash, HashKeyID: a.list.Key().ID()}
	line, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode watchlist metadata: %w", err)
	}
	bin, err := a.list.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return append(append(line, '\n'), bin...), nil
}

// decodeListRecord restores an applied watchlist stored under key. It
// checks form and integrity, not the signature (see loadList).
func decodeListRecord(key watchlist.Key, data []byte) (*applied, error) {
	i := bytes.IndexByte(data, '\n')
	if i < 0 {
		return nil, errors.New("no metadata line")
	}
	var m listMeta
	dec := json.NewDecoder(bytes.NewReader(data[:i]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("metadata: %w", err)
	}
	if m.V != 1 || m.Hash != listHash || m.Version < 1 {
		return nil, fmt.Errorf("metadata: unsupported record v%d hash %q version %d", m.V, m.Hash, m.Version)
	}
	digest, err := hex.DecodeString(m.PayloadSHA256)
	if err != nil || len(digest) != sha256.Size {
		return nil, errors.New("metadata: payload_sha256 is not a SHA-256")
	}
	list, err := watchlist.Decode(key, data[i+1:])
	if err != nil {
		return nil, err
	}
	if list.Accounts() != m.Accounts || list.Phones() != m.Phones {
		return nil, fmt.Errorf("metadata says %d+%d entries, hashes hold %d+%d", m.Accounts, m.Phones, list.Accounts(), list.Phones())
	}
	a := &applied{version: m.Version, issued: m.Issued, keyID: m.KeyID, list: list}
	copy(a.digest[:], digest)
	return a, nil
}

// hashKey returns the terminal's watchlist hash key, creating and storing
// it the first time. It is drawn once per terminal and kept, so the stored
// hashes can be matched after a restart.
func (r *Remote) hashKey() (watchlist.Key, error) {
	if r.key != nil {
		return *r.key, nil
	}
	k, err := r.readKey()
	if errors.Is(err, fs.ErrNotExist) {
		k = watchlist.NewKey()
		if err = r.opts.Store.Save(listKeyName, k[:]); err != nil {
			return watchlist.Key{}, fmt.Errorf("save watchlist hash key: %w", err)
		}
		r.log.Info().Str("hash_key_id", k.ID()).Msg("watchlist hash key created")
	}
	if err != nil {
		return watchlist.Key{}, err
	}
	r.key = &k
	return k, nil
}

// readKey reads the stored hash key; fs.ErrNotExist when there is none.
func (r *Remote) readKey() (watchlist.Key, error) {
	var k watchlist.Key
	b, err := r.opts.Store.Load(listKeyName)
	if err != nil {
		return k, fmt.Errorf("load watchlist hash key: %w", err)
	}
	if len(b) != watchlist.KeySize {
		return k, fmt.Errorf("watchlist hash key is %d bytes, want %d", len(b), watchlist.KeySize)
	}
	copy(k[:], b)
	return k, nil
}

// saveList stores an applied watchlist's hashes and metadata, then drops
// an envelope stored by an earlier version.
func (r *Remote) saveList(a *applied, envelope []byte) error {
	rec, err := encodeListRecord(a, envelope, r.opts.Clock.Now())
	if err != nil {
		return err
	}
	if err := r.opts.Store.Save(listRecordName, rec); err != nil {
		return err
	}
	return nil
}

// loadList restores the stored watchlist at start-up: (nil, nil, nil)
// when none is stored. The hashes are not signed, so the signature is not
// checked again; the state directory is trusted as the binaries are
// (docs/signing.md). What is checked: the record's integrity, that it was
// hashed under this terminal's key, and that its signer is still trusted.
func (r *Remote) loadList() (*applied, *Rejection, error) {
	data, err := r.opts.Store.Load(listRecordName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("remote: load %s: %w", listRecordName, err)
	}
	key, err := r.readKey()
	if err != nil {
		return nil, r.stamp("store:"+listRecordName, reject(ReasonStoreDamaged, "%v", err)), nil
	}
	r.key = &key
	a, err := decodeListRecord(key, data)
	if err != nil {
		return nil, r.stamp("store:"+listRecordName, reject(ReasonStoreDamaged, "%v", err)), nil
	}
	if !slices.Contains(r.opts.Keys.IDs(), a.keyID) {
		return nil, r.stamp("store:"+listRecordName, versioned(reject(ReasonUnknownKey, "signed by a key that is no longer trusted"), a.version)), nil
	}
	return a, nil, nil
}
