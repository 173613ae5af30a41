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
	"encoding/binary"
	"errors"
	"fmt"
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
	// Now is the clock for Entry.Queued and OldestAge (tests set it).
	Now func() time.Time
}

// Outbox is a durable FIFO of envelope.Messages. All methods are safe for
// concurrent use; Publish and Remove serialise on one bbolt write
// transaction each, Pending and OldestAge only read.
type Outbox struct {
	db    *bolt.DB
	opts  Options
	log   zerolog.Logger
	ready chan struct{}

	mu       sync.Mutex // guards the counters below and orders writers
	count    int
	sessions int                    // queued records on the session topic
	alerts   int                    // queued records on the alert topic
	evicted  map[string]int         // evictions by topic since Open
	full     bool                   // the last Publish had to evict
	sinceLog int                    // evictions since the last "outbox full" line
	stored   func(envelope.Message) // see OnStored; set before the first Publish
}

// Open opens (or creates) the outbox file at path and counts what is
// queued there from a previous run.
func Open(path string, opts Options, log zerolog.Logger) (*Outbox, error) {
	if opts.MaxMessages <= 0 {
		opts.MaxMessages = DefaultMaxMessages
	}
	if opts.MaxPayload <= 0 {
		opts.MaxPayload = DefaultMaxPayload
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("outbox: open %q: %w", path, err)
	}
	o := &Outbox{
		db: db, opts: opts, ready: make(chan struct{}, 1),
		log:     log.With().Str("component", "outbox").Logger(),
		evicted: map[string]int{},
	}
	if err := o.load(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("outbox: load %q: %w", path, err)
	}
	o.log.Info().Str("path", path).Int("depth", o.count).
		Int("max_messages", opts.MaxMessages).Msg("outbox opened")
	if o.count > 0 {
		o.notify()
	}
	return o, nil
}

// load creates the bucket and counts queued records by class.
func (o *Outbox) load() error {
	return o.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketName)
		if err != nil {
			return err
		}
		return b.ForEach(func(_, v []byte) error {
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

// Close closes the file. Queued messages stay for the next Open.
func (o *Outbox) Close() error {
	if err := o.db.Close(); err != nil {
		return fmt.Errorf("outbox: close: %w", err)
	}
	return nil
}

// Publish stores m at the tail of the queue and returns once the commit is
// on disk. It is the core's Publisher seam: delivery happens later.
func (o *Outbox) Publish(m envelope.Message) error {
	if err := o.validate(m); err != nil {
		return err
	}
	now := o.opts.Now()
	val := encodeRecord(m, now)
	o.mu.Lock()
	defer o.mu.Unlock()
	var evicted []string
	err := o.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketName)
		var err error
		if evicted, err = o.makeRoom(b); err != nil {
			return err
		}
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		return b.Put(key(seq), val)
	})
	if err != nil {
		return fmt.Errorf("outbox: publish %s: %w", m.ID, err)
	}
	for _, t := range evicted {
		o.account(t, -1)
		o.evicted[t]++
	}
	o.account(string(m.Topic), +1)
	o.logEvictions(evicted)
	o.notify()
	if o.stored != nil {
		o.stored(m)
	}
	return nil
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

// PendingAfter returns up to max entries with Seq > after, oldest first, so
// a drainer with messages in flight can fetch the next ones. Records that
// fail to decode are logged and deleted rather than stalling the queue.
func (o *Outbox) PendingAfter(after uint64, max int) ([]Entry, error) {
	if max <= 0 {
		return nil, nil
	}
	var out []Entry
	var corrupt []uint64
	err := o.db.View(func(tx *bolt.Tx) error {
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
	if err != nil {
		return nil, fmt.Errorf("outbox: pending: %w", err)
	}
	for _, seq := range corrupt {
		o.log.Error().Uint64("seq", seq).Msg("corrupt outbox record deleted")
		if err := o.Remove(seq); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Remove deletes acknowledged entries in one transaction (the drainer
// batches the acks that arrived together, saving an fsync each).
// Removing an entry that is not there is not an error (a duplicate ack).
func (o *Outbox) Remove(seqs ...uint64) error {
	if len(seqs) == 0 {
		return nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	var topics []string
	err := o.db.Update(func(tx *bolt.Tx) error {
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
	if err != nil {
		return fmt.Errorf("outbox: remove %d entries from %d: %w", len(seqs), seqs[0], err)
	}
	for _, t := range topics {
		o.account(t, -1)
	}
	return nil
}

// Depth is the number of queued messages.
func (o *Outbox) Depth() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.count
}

// OldestAge is how long the oldest queued message has waited; 0 when the
// queue is empty (or cannot be read).
func (o *Outbox) OldestAge() time.Duration {
	var queued time.Time
	_ = o.db.View(func(tx *bolt.Tx) error {
		_, v := tx.Bucket(bucketName).Cursor().First()
		if v != nil {
			_, queued, _ = decodeRecord(v)
		}
		return nil
	})
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
