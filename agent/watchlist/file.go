package watchlist

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
)

// The stored form of a List (MarshalBinary, Decode), all integers
// little-endian:
//
//	magic      8 bytes  "TGWLH1\r\n"
//	key id     8 bytes  first 8 bytes of Key.ID (the hashes' key)
//	accounts   uint32   number of account hashes
//	phones     uint32   number of phone hashes
//	hashes     8 bytes each: accounts, then phones, each strictly ascending
//	checksum   32 bytes SHA-256 of everything before it
//
// It holds no number, only keyed hashes; the checksum catches a torn or
// damaged file (it is not a signature: see docs/signing.md).
const (
	fileMagic  = "TGWLH1\r\n"
	fileHeader = 8 + 8 + 4 + 4
)

// MarshalBinary returns the stored form of the list: its hashes and the
// id of its key, never the key or a number. A nil list is an empty one.
func (l *List) MarshalBinary() ([]byte, error) {
	if l == nil {
		return nil, errors.New("watchlist: marshal a nil list")
	}
	n := len(l.accounts) + len(l.phones)
	b := make([]byte, 0, fileHeader+8*n+sha256.Size)
	b = append(b, fileMagic...)
	b = append(b, keyIDBytes(l.hash.key)...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(l.accounts)))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(l.phones)))
	for _, set := range [][]uint64{l.accounts, l.phones} {
		for _, h := range set {
			b = binary.LittleEndian.AppendUint64(b, h)
		}
	}
	sum := sha256.Sum256(b)
	return append(b, sum[:]...), nil
}

// Decode restores a list stored by MarshalBinary under key. It fails,
// naming the problem, if the data is not such a file, is damaged
// (checksum), was hashed under another key, holds more than MaxEntries
// hashes, or its hashes are not strictly ascending.
func Decode(key Key, data []byte) (*List, error) {
	if len(data) < fileHeader+sha256.Size || string(data[:8]) != fileMagic {
		return nil, errors.New("watchlist: not a stored watchlist")
	}
	body, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil, errors.New("watchlist: stored watchlist is damaged (checksum)")
	}
	if !bytes.Equal(body[8:16], keyIDBytes(key)) {
		return nil, errors.New("watchlist: stored watchlist was hashed under another key")
	}
	na := int(binary.LittleEndian.Uint32(body[16:20]))
	np := int(binary.LittleEndian.Uint32(body[20:24]))
	if na > MaxEntries || np > MaxEntries || na+np > MaxEntries {
		return nil, fmt.Errorf("watchlist: stored watchlist holds %d+%d hashes, more than %d", na, np, MaxEntries)
	}
	if len(body) != fileHeader+8*(na+np) {
		return nil, fmt.Errorf("watchlist: stored watchlist is %d bytes, want %d for %d+%d hashes", len(data), fileHeader+8*(na+np)+sha256.Size, na, np)
	}
	l := &List{hash: newHasher(key)}
	var err error
	if l.accounts, err = readHashes(body[fileHeader:fileHeader+8*na], "accounts"); err != nil {
		return nil, err
	}
	if l.phones, err = readHashes(body[fileHeader+8*na:], "phones"); err != nil {
		return nil, err
	}
	return l, nil
}

// readHashes reads 8-byte hashes that must be strictly ascending.
func readHashes(b []byte, name string) ([]uint64, error) {
	out := make([]uint64, len(b)/8)
	for i := range out {
		out[i] = binary.LittleEndian.Uint64(b[8*i:])
		if i > 0 && out[i] <= out[i-1] {
			return nil, fmt.Errorf("watchlist: stored %s hashes are not strictly ascending at %d", name, i)
		}
	}
	return out, nil
}

func keyIDBytes(k Key) []byte {
	b, _ := hex.DecodeString(k.ID())
	return b
}
