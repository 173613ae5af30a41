package cardhistory

import (
	"cmp"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"
)

// Files in the state directory.
const (
	LogName = "cardhistory.log" // the append log
	KeyName = "cardhistory.key" // the secret that names cards, hex
)

// The log: an 8-byte magic, then records of 28 bytes, integers
// little-endian:
//
//	card      8 bytes  first 8 bytes of the card key (a keyed hash)
//	at        8 bytes  Unix seconds
//	amount    8 bytes  minor units
//	crc32     4 bytes  IEEE, of the 24 bytes before it
//
// A short last record is a write cut by a crash and is dropped; a record
// whose checksum fails means damage: the file is moved aside and the
// records before it are kept.
const (
	logMagic   = "TGCHLOG1"
	recordSize = 28
	// compactSlack is how many dead records the log may hold beyond the
	// live ones before it is rewritten.
	compactSlack = 10_000
)

// Options tune a Store; zero values take the defaults.
type Options struct {
	MaxCards int              // cards kept; DefaultMaxCards when 0
	Now      func() time.Time // for expiry at start and file names; time.Now when nil
}

// Open restores the history kept in dir (created if needed) and returns a
// store that appends to it. It never fails: a directory that cannot be
// read or written gives a store in memory, under a fresh key, with the
// problem logged. With dir "" the store is in memory only.
func Open(dir string, o Options, log zerolog.Logger) *Store {
	if o.Now == nil {
		o.Now = time.Now
	}
	s := newStore(o.MaxCards, log.With().Str("component", "cardhistory").Logger())
	if dir == "" {
		s.key = newKey()
		return s
	}
	s.path = filepath.Join(dir, LogName)
	key, fresh, err := loadKey(dir)
	if err != nil {
		s.log.Error().Err(err).Msg("card history key unusable; history kept in memory only")
		s.key, s.path = newKey(), ""
		return s
	}
	s.key = key
	if fresh {
		// Records under a lost key can never match again.
		if err := os.Remove(s.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn().Err(err).Msg("old card history not removed")
		}
	}
	s.restore(o.Now())
	return s
}

// newKey draws a 32-byte secret.
func newKey() string {
	var k [32]byte
	_, _ = rand.Read(k[:]) // never fails on Linux (crypto/rand docs)
	return hex.EncodeToString(k[:])
}

// loadKey reads the key in dir, creating it (mode 0600) when absent or
// unreadable; fresh says a new one was made.
func loadKey(dir string) (key string, fresh bool, err error) {
	path := filepath.Join(dir, KeyName)
	b, err := os.ReadFile(path)
	if err == nil {
		if k := strings.TrimSpace(string(b)); len(k) == 64 && isHex(k) {
			return k, false, nil
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", false, fmt.Errorf("card history: %w", err)
	}
	key = newKey()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(key+"\n"), 0o600); err != nil {
		return "", false, fmt.Errorf("card history key: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", false, fmt.Errorf("card history key: %w", err)
	}
	return key, true, nil
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

// restore replays the log into memory and opens it for appending,
// rewriting it first when it was damaged, torn or mostly dead.
func (s *Store) restore(now time.Time) {
	data, err := os.ReadFile(s.path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Error().Err(err).Msg("card history unreadable; starting empty")
	}
	if hint := len(data) / recordSize; hint > 0 {
		s.cards = make(map[cardID]slot, min(hint, s.maxCards))
		s.order = make([]ref, 0, hint)
	}
	cutoff := now.Add(-Window).Unix()
	n, clean := s.replay(data, cutoff)
	if !clean {
		aside := fmt.Sprintf("%s.damaged-%s", s.path, now.UTC().Format("20060102T150405Z"))
		if rerr := os.Rename(s.path, aside); rerr != nil {
			s.log.Error().Err(rerr).Msg("damaged card history not moved aside")
		}
		s.log.Error().Str("moved_to", aside).Int("records_kept", n).
			Msg("card history damaged: moved aside for inspection; the records before the damage are kept")
	}
	live := len(s.order) - s.head
	if !clean || len(data) == 0 || len(data) != len(logMagic)+n*recordSize || n > live+compactSlack {
		s.compact()
		return
	}
	s.records = n
	s.openAppend()
}

// replay adds the records of data newer than cutoff; n counts the sound
// records read, clean is false when data is not a log or a checksum fails.
func (s *Store) replay(data []byte, cutoff int64) (n int, clean bool) {
	if len(data) == 0 {
		return 0, true
	}
	if len(data) < len(logMagic) || string(data[:len(logMagic)]) != logMagic {
		return 0, false
	}
	for b := data[len(logMagic):]; len(b) >= recordSize; b = b[recordSize:] {
		if crc32.ChecksumIEEE(b[:24]) != binary.LittleEndian.Uint32(b[24:28]) {
			return n, false
		}
		n++
		id := cardID(binary.LittleEndian.Uint64(b))
		a := attempt{at: int64(binary.LittleEndian.Uint64(b[8:])), amount: int64(binary.LittleEndian.Uint64(b[16:]))}
		if a.at > cutoff {
			s.add(id, a)
		}
	}
	return n, true
}

func appendRecord(b []byte, id cardID, at, amount int64) []byte {
	start := len(b)
	b = binary.LittleEndian.AppendUint64(b, uint64(id))
	b = binary.LittleEndian.AppendUint64(b, uint64(at))
	b = binary.LittleEndian.AppendUint64(b, uint64(amount))
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}

// appendRecord writes one record to the log, if there is one.
func (s *Store) appendRecord(id cardID, at, amount int64) {
	if s.f == nil {
		return
	}
	var buf [recordSize]byte
	if _, err := s.f.Write(appendRecord(buf[:0], id, at, amount)); err != nil {
		s.writeFailed(err)
		return
	}
	s.records++
}

// compact rewrites the log from memory (temporary file, fsync, rename) and
// reopens it for appending.
func (s *Store) compact() {
	if s.path == "" {
		return
	}
	if s.f != nil {
		s.f.Close()
		s.f = nil
	}
	type rec struct {
		id cardID
		a  attempt
	}
	var all []rec
	var tmp [MaxPerCard]attempt
	for id := range s.cards {
		for _, a := range s.list(id, tmp[:0]) {
			all = append(all, rec{id, a})
		}
	}
	slices.SortFunc(all, func(x, y rec) int { return cmp.Compare(x.a.at, y.a.at) })
	buf := make([]byte, 0, len(logMagic)+len(all)*recordSize)
	buf = append(buf, logMagic...)
	for _, r := range all {
		buf = appendRecord(buf, r.id, r.a.at, r.a.amount)
	}
	if err := writeSynced(s.path, buf); err != nil {
		s.writeFailed(err)
		return
	}
	s.records = len(all)
	s.openAppend()
}

func writeSynced(path string, b []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("card history: %w", err)
	}
	_, err = f.Write(b)
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("card history: rewrite %s: %w", path, err)
	}
	return nil
}

func (s *Store) openAppend() {
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		s.writeFailed(err)
		return
	}
	s.f = f
}

// writeFailed logs the first failure; the store goes on in memory.
func (s *Store) writeFailed(err error) {
	if s.f != nil {
		s.f.Close()
		s.f = nil
	}
	if !s.failed {
		s.failed = true
		s.log.Error().Err(err).Msg("card history cannot be written; kept in memory until restart")
	}
}

// Close closes the log. The store still answers from memory.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}
