package web

import (
	"context"
	"runtime"
	"sync"
)

// Password hashing is the console's one expensive request: argon2id with
// auth.DefaultParams allocates 19 MiB and keeps a CPU busy for tens of
// milliseconds. Unbounded, 128 parallel wrong logins held 4.36 GB of RSS.
// hashGate bounds it: at most one hash per CPU runs, a few more logins
// wait their turn, and the rest are refused at once with 503 and a
// Retry-After, so a flood costs a fixed amount of memory however large.
//
// Waiting costs a goroutine and a parsed form (kilobytes), not a hash, so
// the queue is kept short only to keep answers prompt.

// hashRetryAfter is the Retry-After, in seconds, of a refused login.
const hashRetryAfter = "1"

// hashGate is a counting semaphore for argon2 work with a bounded queue.
// Its methods are safe for concurrent use.
type hashGate struct {
	slots   chan struct{} // one token per running hash
	waiting chan struct{} // one token per login waiting for a slot
}

// newHashGate allows n hashes at once and n*4 logins waiting; n < 1
// means one per CPU.
func newHashGate(n int) *hashGate {
	if n < 1 {
		n = runtime.NumCPU()
	}
	return &hashGate{slots: make(chan struct{}, n), waiting: make(chan struct{}, 4*n)}
}

// enter takes a slot, waiting in the bounded queue if there is room; it
// returns false at once when the queue is full, or when ctx ends while
// waiting. A true return must be paired with leave.
func (g *hashGate) enter(ctx context.Context) bool {
	select {
	case g.slots <- struct{}{}:
		return true
	default:
	}
	select {
	case g.waiting <- struct{}{}:
	default:
		return false
	}
	defer func() { <-g.waiting }()
	select {
	case g.slots <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// leave frees the slot taken by enter.
func (g *hashGate) leave() { <-g.slots }

// size is how many hashes may run at once.
func (g *hashGate) size() int { return cap(g.slots) }

// gauge counts work in flight and remembers the most ever in flight; the
// login handler wraps each password check in one, so a test can see that
// the gate really bounds the hashing (and not only itself).
type gauge struct {
	mu        sync.Mutex
	now, peak int
}

func (g *gauge) add(d int) {
	g.mu.Lock()
	g.now += d
	g.peak = max(g.peak, g.now)
	g.mu.Unlock()
}

// highest returns the most ever in flight.
func (g *gauge) highest() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.peak
}
