// Package outbox is the agent's durable, ordered, bounded queue of outbound
// MQTT messages (CONTRACT §4: "every message is delivered at least once,
// even across a broker outage and an agent restart").
//
// Publish returns only once the message is committed and fsync'd to a bbolt
// file, so an alert the core has handed over survives a power cut. Keys are a
// persistent, strictly increasing sequence, so the drainer replays in the
// order messages were published, across restarts. The queue is bounded:
// when full it evicts the oldest session audit record first and an alert
// only as a last resort, and says so in the log.
//
// Only this package writes the file; the MQTT link reads Pending entries and
// calls Remove once the broker has acknowledged one.
package outbox

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/rs/zerolog"
	bolt "go.etcd.io/bbolt"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

// Defaults for Options.
const (
	DefaultMaxMessages = 100000
	DefaultMaxPayload  = 1 << 20
)

var bucketName = []byte("messages")

// Options tune an Outbox; the zero value gives the defaults.
type Options struct {
	// MaxMessages bounds the queue; at the bound the oldest session record
	// (then other non-alert, then alert) is evicted to make room.
	MaxMessages int
	// MaxPayload rejects bigger payloads at Publish, so that a message the
	// broker would refuse can never stall the head of the queue.
	MaxPayload int
	// MaxMemory bounds the queue in memory while the disk refuses writes.
	MaxMemory int
	// Now is the clock for Entry.Queued and OldestAge (tests set it).
	Now func() time.Time
}

// Outbox is a durable FIFO of envelope.Messages. All methods are safe for
// concurrent use; Publish and Remove serialise on one bbolt write
// transaction each, Pending and OldestAge only read.
type Outbox struct {
	path    string
	opts    Options
	log     zerolog.Logger
	ready   chan struct{}
	storage chan struct{} // Storage changed

	mu       sync.Mutex // guards everything below and orders writers
	db       *bolt.DB   // nil while no store could be opened
	mem      memQueue   // what the disk refused, newest messages
	next     uint64     // last sequence handed out, disk and memory alike
	degraded bool       // the last write did not reach the disk
	lastOpen time.Time  // last attempt to open the store
	count    int
	sessions int                    // queued records on the session topic
	alerts   int                    // queued records on the alert topic
	evicted  map[string]int         // evictions by topic since Open
	full     bool                   // the last Publish had to evict
	sinceLog int                    // evictions since the last "outbox full" line
	stored   func(envelope.Message) // see OnStored; set before the first Publish
}

// Open opens (or creates) the outbox file at path and counts what is
// queued there from a previous run. It never fails on the file: a damaged
// one is moved aside and a fresh one started; one that cannot be opened at
// all (read-only or full directory) leaves the outbox in memory, degraded,
// trying the disk again as messages come. Storage says which.
func Open(path string, opts Options, log zerolog.Logger) (*Outbox, error) {
	if opts.MaxMessages <= 0 {
		opts.MaxMessages = DefaultMaxMessages
	}
	if opts.MaxPayload <= 0 {
		opts.MaxPayload = DefaultMaxPayload
	}
	if opts.MaxMemory <= 0 {
		opts.MaxMemory = DefaultMaxMemory
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	o := &Outbox{
		path: path, opts: opts, ready: make(chan struct{}, 1), storage: make(chan struct{}, 1),
		log:     log.With().Str("component", "outbox").Logger(),
		evicted: map[string]int{}, mem: memQueue{max: opts.MaxMemory},
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.attach(); err != nil {
		o.degraded = true
		o.log.Error().Err(err).Str("path", path).Int("max_memory", opts.MaxMemory).
			Msg("outbox cannot use the disk; queueing in memory (storage degraded)")
		return o, nil
	}
	o.log.Info().Str("path", path).Int("depth", o.count).
		Int("max_messages", opts.MaxMessages).Msg("outbox opened")
	if o.count > 0 {
		o.notify()
	}
	return o, nil
}

// attach opens the store (with recovery) and loads its counters; o.mu held.
func (o *Outbox) attach() error {
	o.lastOpen = o.opts.Now()
	db, err := o.openChecked()
	if err != nil {
		return err
	}
	if err := guard(func() error { return o.load(db) }); err != nil {
		_ = db.Close()
		return fmt.Errorf("outbox: load %q: %w", o.path, err)
	}
	o.db = db
	return nil
}

// load creates the bucket, counts queued records by class and continues
// the sequence after both the file's and this run's.
func (o *Outbox) load(db *bolt.DB) error {
	return db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketName)
		if err != nil {
			return err
		}
		o.next = max(o.next, b.Sequence())
		return b.ForEach(func(k, v []byte) error {
			o.next = max(o.next, binary.BigEndian.Uint64(k))
			o.account(topicOf(v), +1)
			return nil
		})
	})
}

// account adjusts the counters for one record on topic.
func (o *Outbox) account(topic string, d int) {
	o.count += d
	switch topic {
	case string(wire.TopicSession):
		o.sessions += d
	case string(wire.TopicAlert):
		o.alerts += d
	}
}

// Close tries once more to write what is held in memory to disk, then
// closes the file. Queued messages stay for the next Open.
func (o *Outbox) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.mem.entries) > 0 && o.db != nil {
		if err := o.write(nil); err != nil {
			o.log.Error().Err(err).Int("lost", len(o.mem.entries)).Msg("outbox: messages held in memory not written at shutdown")
		}
	}
	if o.db == nil {
		return nil
	}
	if err := o.db.Close(); err != nil {
		return fmt.Errorf("outbox: close: %w", err)
	}
	return nil
}

// Publish queues m at the tail. It returns once m is committed and fsync'd
// to disk or, when the disk refuses it, held in the bounded memory queue
// (storage degraded): the core's warnings and ACKs never wait on a disk.
// It is the core's Publisher seam: delivery happens later.
func (o *Outbox) Publish(m envelope.Message) error {
	if err := o.validate(m); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.next++
	e := Entry{Seq: o.next, Queued: o.opts.Now(), Message: m}
	defer o.told(m)
	err := o.write(&e)
	if err == nil {
		o.setDegraded(false)
		o.notify()
		return nil
	}
	if !o.degraded {
		o.log.Error().Err(err).Int("max_memory", o.opts.MaxMemory).
			Msg("outbox write failed; queueing in memory until the disk takes writes (storage degraded)")
	}
	o.setDegraded(true)
	gone := o.mem.push(e)
	if gone != "" {
		o.account(gone, -1)
	}
	if gone != "" && (gone == string(wire.TopicAlert) || o.mem.evicted%fullLogEvery == 1) {
		o.log.Error().Str("topic", gone).Int("evicted_total", o.mem.evicted).Msg("memory queue full, oldest evicted")
	}
	o.account(string(m.Topic), +1)
	o.notify()
	return nil
}

// told tells the OnStored function, if any, that m is kept (on disk or,
// degraded, in memory). o.mu held.
func (o *Outbox) told(m envelope.Message) {
	if o.stored != nil {
		o.stored(m)
	}
}

// write commits what memory holds and then e (if any) to disk in one
// transaction, keeping their sequence numbers; on success memory is empty.
// A store that could not be opened is tried again every reopenEvery.
// o.mu held.
func (o *Outbox) write(e *Entry) error {
	if o.db == nil {
		if o.opts.Now().Sub(o.lastOpen) < reopenEvery {
			return errors.New("outbox: no store open")
		}
		if err := o.attach(); err != nil {
			return err
		}
		o.log.Info().Str("path", o.path).Msg("outbox store opened")
	}
	batch := append([]Entry(nil), o.mem.entries...)
	if e != nil {
		batch = append(batch, *e)
	}
	saved := o.counters()
	for _, x := range o.mem.entries { // counted again as they land
		o.account(string(x.Message.Topic), -1)
	}
	var evicted []string
	err := guard(func() error {
		return o.db.Update(func(tx *bolt.Tx) error {
			var err error
			evicted, err = o.putAll(tx.Bucket(bucketName), batch)
			return err
		})
	})
	if err != nil {
		o.restore(saved)
		return fmt.Errorf("outbox: publish: %w", err)
	}
	o.mem.entries = o.mem.entries[:0]
	for _, t := range evicted {
		o.evicted[t]++
	}
	o.logEvictions(evicted)
	return nil
}

// putAll stores the entries under their own sequence numbers, making room
// for each; it updates the counters as it goes.
func (o *Outbox) putAll(b *bolt.Bucket, entries []Entry) ([]string, error) {
	var evicted []string
	for _, e := range entries {
		ev, err := o.makeRoom(b)
		if err != nil {
			return evicted, err
		}
		for _, t := range ev {
			o.account(t, -1)
		}
		evicted = append(evicted, ev...)
		if err := b.Put(key(e.Seq), encodeRecord(e.Message, e.Queued)); err != nil {
			return evicted, err
		}
		o.account(string(e.Message.Topic), +1)
	}
	return evicted, b.SetSequence(o.next)
}

// OnStored sets f to be told of every message once it is durable (metrics
// count alerts by level with it). Call it before the first Publish; f runs
// on the publisher's goroutine under the outbox lock, so it must be quick
// and must not call back into the Outbox.
func (o *Outbox) OnStored(f func(envelope.Message)) { o.stored = f }

// validate rejects what could never be delivered: it would otherwise sit
// at the head of the queue forever.
func (o *Outbox) validate(m envelope.Message) error {
	switch {
	case m.ID == "" || len(m.ID) > 256:
		return fmt.Errorf("outbox: message id length %d not in 1..256", len(m.ID))
	case m.Topic == "" || len(m.Topic) > 256 || !utf8.ValidString(string(m.Topic)),
		strings.ContainsAny(string(m.Topic), "+#\x00"),
		strings.HasPrefix(string(m.Topic), "/"), strings.HasSuffix(string(m.Topic), "/"):
		return fmt.Errorf("outbox: message %s: invalid topic %q", m.ID, m.Topic)
	case len(m.Payload) > o.opts.MaxPayload:
		return fmt.Errorf("outbox: message %s: payload %d bytes over %d",
			m.ID, len(m.Payload), o.opts.MaxPayload)
	}
	return nil
}

// notify wakes the drainer without blocking.
func (o *Outbox) notify() {
	select {
	case o.ready <- struct{}{}:
	default:
	}
}

// Ready receives a value after messages were queued (coalesced: one value
// may stand for many). The single drainer selects on it when Pending is
// empty.
func (o *Outbox) Ready() <-chan struct{} { return o.ready }

// Pending returns up to max entries, oldest first.
func (o *Outbox) Pending(max int) ([]Entry, error) { return o.PendingAfter(0, max) }

// PendingAfter returns up to max entries with Seq > after, oldest first,
// from disk and memory, so a drainer with messages in flight can fetch the
// next ones. Records that fail to decode are logged and deleted rather
// than stalling the queue.
func (o *Outbox) PendingAfter(after uint64, max int) ([]Entry, error) {
	if max <= 0 {
		return nil, nil
	}
	o.mu.Lock()
	db := o.db
	mem := o.mem.after(after, max)
	o.mu.Unlock()
	var out []Entry
	var corrupt []uint64
	if db != nil {
		err := guard(func() error {
			return db.View(func(tx *bolt.Tx) error {
				c := tx.Bucket(bucketName).Cursor()
				for k, v := c.Seek(key(after + 1)); k != nil && len(out) < max; k, v = c.Next() {
					seq := binary.BigEndian.Uint64(k)
					m, queued, err := decodeRecord(v)
					if err != nil {
						corrupt = append(corrupt, seq)
						continue
					}
					out = append(out, Entry{Seq: seq, Queued: queued, Message: m})
				}
				return nil
			})
		})
		if err != nil {
			return nil, fmt.Errorf("outbox: pending: %w", err)
		}
	}
	for _, seq := range corrupt {
		o.log.Error().Uint64("seq", seq).Msg("corrupt outbox record deleted")
		if err := o.Remove(seq); err != nil {
			return nil, err
		}
	}
	out = append(out, mem...)
	slices.SortFunc(out, func(a, b Entry) int { return cmp.Compare(a.Seq, b.Seq) })
	return out[:min(len(out), max)], nil
}

// Remove deletes acknowledged entries, those on disk in one transaction
// (the drainer batches the acks that arrived together, saving an fsync
// each). Removing an entry that is not there is not an error (a duplicate
// ack).
func (o *Outbox) Remove(seqs ...uint64) error {
	if len(seqs) == 0 {
		return nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, e := range o.mem.entries {
		if slices.Contains(seqs, e.Seq) {
			o.account(string(e.Message.Topic), -1)
		}
	}
	seqs = o.mem.remove(seqs)
	if len(seqs) == 0 || o.db == nil {
		return nil
	}
	var topics []string
	err := guard(func() error {
		return o.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketName)
			for _, seq := range seqs {
				v := b.Get(key(seq))
				if v == nil {
					continue
				}
				topics = append(topics, topicOf(v))
				if err := b.Delete(key(seq)); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("outbox: remove %d entries from %d: %w", len(seqs), seqs[0], err)
	}
	for _, t := range topics {
		o.account(t, -1)
	}
	return nil
}

// Depth is the number of queued messages, on disk and in memory.
func (o *Outbox) Depth() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.count
}

// OldestAge is how long the oldest queued message has waited; 0 when the
// queue is empty (or cannot be read).
func (o *Outbox) OldestAge() time.Duration {
	o.mu.Lock()
	db := o.db
	var queued time.Time
	if len(o.mem.entries) > 0 {
		queued = o.mem.entries[0].Queued
	}
	o.mu.Unlock()
	if db != nil {
		_ = guard(func() error {
			return db.View(func(tx *bolt.Tx) error {
				if _, v := tx.Bucket(bucketName).Cursor().First(); v != nil {
					_, queued, _ = decodeRecord(v)
				}
				return nil
			})
		})
	}
	if queued.IsZero() {
		return 0
	}
	return o.opts.Now().Sub(queued)
}

// key is the big-endian sequence, so bbolt's byte order is queue order.
func key(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), seq)
}

// errNoRoom would mean an empty queue is full: only with a broken bound.
var errNoRoom = errors.New("no room and nothing to evict")
