package outbox

import (
	"github.com/transferguard/transferguard/agent/wire"
)

// DefaultMaxMemory bounds the in-memory queue that carries messages while
// the disk refuses them (full, read-only, damaged).
const DefaultMaxMemory = 10000

// memQueue holds entries the disk refused, oldest first. It shares the
// outbox's sequence, so the drainer sees one ordered queue; its entries
// are always newer than those on disk (the next successful write moves
// them all to disk first).
type memQueue struct {
	entries []Entry
	max     int
	evicted int // since the last log line
}

// push appends e, evicting first the oldest session record, then the
// oldest other non-alert message, then the oldest alert, as the disk
// queue does. It returns the topic evicted, or "".
func (q *memQueue) push(e Entry) string {
	var gone string
	if len(q.entries) >= q.max {
		gone = q.evict()
	}
	q.entries = append(q.entries, e)
	return gone
}

func (q *memQueue) evict() string {
	for _, want := range []func(string) bool{
		func(t string) bool { return t == string(wire.TopicSession) },
		func(t string) bool { return t != string(wire.TopicAlert) },
		func(string) bool { return true },
	} {
		for i, e := range q.entries {
			if t := string(e.Message.Topic); want(t) {
				q.entries = append(q.entries[:i], q.entries[i+1:]...)
				q.evicted++
				return t
			}
		}
	}
	return ""
}

// after returns up to max entries with Seq > after.
func (q *memQueue) after(after uint64, max int) []Entry {
	var out []Entry
	for _, e := range q.entries {
		if e.Seq > after && len(out) < max {
			out = append(out, e)
		}
	}
	return out
}

// remove deletes the entries with these seqs and returns the seqs it did
// not hold (they are on disk).
func (q *memQueue) remove(seqs []uint64) (rest []uint64) {
	drop := map[uint64]bool{}
	for _, s := range seqs {
		drop[s] = true
	}
	kept := q.entries[:0]
	for _, e := range q.entries {
		if drop[e.Seq] {
			delete(drop, e.Seq)
			continue
		}
		kept = append(kept, e)
	}
	q.entries = kept
	for _, s := range seqs {
		if drop[s] {
			rest = append(rest, s)
		}
	}
	return rest
}
