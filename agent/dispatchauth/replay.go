package dispatchauth

import (
	"container/heap"
	"crypto/sha256"
	"time"
)

// DefaultReplayEntries bounds the replay cache. tgdispatch sends a handful
// of dispatches per alert; 4096 accepted within MaxAge+MaxSkew on one
// terminal would take a runaway console, and then the oldest is forgotten
// first (it is the first whose ts the freshness check refuses anyway).
const DefaultReplayEntries = 4096

// replayCache remembers the digests of accepted payloads until their ts is
// older than MaxAge+MaxSkew. Memory is bounded by its size: about 100 bytes
// per entry. Not safe for concurrent use (the Verifier locks it).
type replayCache struct {
	max  int
	seen map[[sha256.Size]byte]struct{}
	byTS tsHeap // the same digests, oldest ts first
}

func newReplayCache(max int) *replayCache {
	return &replayCache{max: max, seen: map[[sha256.Size]byte]struct{}{}}
}

// add records digest, signed at ts, and reports false when it was already
// there. Entries whose ts can no longer pass the freshness check are
// dropped first; then, when full, the oldest.
func (c *replayCache) add(digest [sha256.Size]byte, ts, now time.Time) bool {
	if _, dup := c.seen[digest]; dup {
		return false
	}
	for len(c.byTS) > 0 && now.Sub(c.byTS[0].ts) > MaxAge+MaxSkew {
		delete(c.seen, heap.Pop(&c.byTS).(entry).digest)
	}
	for len(c.byTS) >= c.max {
		delete(c.seen, heap.Pop(&c.byTS).(entry).digest)
	}
	c.seen[digest] = struct{}{}
	heap.Push(&c.byTS, entry{digest: digest, ts: ts})
	return true
}

// Len returns the number of remembered payloads.
func (c *replayCache) Len() int { return len(c.seen) }

type entry struct {
	digest [sha256.Size]byte
	ts     time.Time
}

// tsHeap is a min-heap of entries by ts (container/heap).
type tsHeap []entry

func (h tsHeap) Len() int           { return len(h) }
func (h tsHeap) Less(i, j int) bool { return h[i].ts.Before(h[j].ts) }
func (h tsHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *tsHeap) Push(x any)        { *h = append(*h, x.(entry)) }
func (h *tsHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
