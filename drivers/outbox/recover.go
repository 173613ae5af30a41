package outbox

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// reopenEvery is how often Publish tries again to open a store that could
// not be opened (a read-only or full state directory).
const reopenEvery = 5 * time.Second

// openChecked opens the bbolt file at path and proves it readable: the
// open, Tx.Check over every page and a first read run under recover(),
// because bbolt panics on some corrupt pages. A file that fails is moved
// aside as <path>.damaged-<time> (kept for inspection) and a fresh one is
// created in its place. The error says why no store could be opened.
func (o *Outbox) openChecked() (*bolt.DB, error) {
	db, err := openAndCheck(o.path)
	if err == nil {
		return db, nil
	}
	var damaged errDamaged
	if !errors.As(err, &damaged) {
		return nil, err
	}
	aside := fmt.Sprintf("%s.damaged-%s", o.path, o.opts.Now().UTC().Format("20060102T150405Z"))
	if rerr := os.Rename(o.path, aside); rerr != nil {
		return nil, fmt.Errorf("%w; moving it aside: %v", err, rerr)
	}
	o.log.Error().Err(err).Str("moved_to", aside).
		Msg("outbox damaged: moved aside for inspection, starting a fresh one; its queued messages are not sent")
	return openAndCheck(o.path)
}

// errDamaged marks a file that exists but is not a sound bbolt store.
type errDamaged struct{ error }

func openAndCheck(path string) (db *bolt.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			if db != nil {
				_ = db.Close()
			}
			db, err = nil, errDamaged{fmt.Errorf("outbox: %q damaged: %v", path, r)}
		}
	}()
	if err := truncated(path); err != nil {
		return nil, errDamaged{err} // mapped, it would kill the process with SIGBUS, beyond recover()
	}
	db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		if errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrChecksum) || errors.Is(err, bolterrors.ErrVersionMismatch) {
			return nil, errDamaged{fmt.Errorf("outbox: open %q: %w", path, err)}
		}
		return nil, fmt.Errorf("outbox: open %q: %w", path, err)
	}
	if cerr := check(db); cerr != nil {
		_ = db.Close()
		return nil, errDamaged{fmt.Errorf("outbox: %q damaged: %w", path, cerr)}
	}
	return db, nil
}

// truncated reports a file shorter than its bbolt meta pages say: bbolt
// maps the whole size the meta page gives, and touching a mapped page past
// the end of the file is a SIGBUS, which no recover() catches. It reads
// the page size and high-water page id from the first meta page (bbolt's
// on-disk format; offsets 24 and 56); a file it cannot read is left to
// bolt.Open to judge.
func truncated(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var meta [64]byte
	st, err := f.Stat()
	if err != nil || st.Size() < int64(len(meta)) {
		return nil
	}
	if _, err := f.ReadAt(meta[:], 0); err != nil {
		return nil
	}
	psize, high := binary.LittleEndian.Uint32(meta[24:]), binary.LittleEndian.Uint64(meta[56:])
	if psize < 512 || psize > 1<<16 || high > 1<<32 {
		return nil // not a meta page: bolt.Open says ErrInvalid
	}
	if want := int64(high) * int64(psize); st.Size() < want {
		return fmt.Errorf("outbox: %q truncated: %d bytes, its meta page says %d", path, st.Size(), want)
	}
	return nil
}

// check runs bbolt's consistency check and reads every record once.
func check(db *bolt.DB) error {
	return db.View(func(tx *bolt.Tx) error {
		var errs []error
		for e := range tx.Check() {
			errs = append(errs, e)
		}
		if len(errs) > 0 {
			return errors.Join(errs...)
		}
		if b := tx.Bucket(bucketName); b != nil {
			return b.ForEach(func(_, _ []byte) error { return nil })
		}
		return nil
	})
}

// guard runs f and turns a bbolt panic (a page damaged while running)
// into an error, so a bad disk never stops the agent.
func guard(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("outbox: store failed: %v", r)
		}
	}()
	return f()
}
