package web

import (
	"container/list"
	"net"
	"net/http"
	"sync"
	"time"
)

// Login throttling, two tables:
//
//   - by name and address: after maxFailures wrong passwords for one name
//     from one address within failWindow, that pair is refused until the
//     window has passed. Keyed by both, so an attacker elsewhere cannot lock
//     a guard out;
//   - by address: after maxAddrFailures failures from one address within
//     the window, whatever the names, that address is refused, so one
//     machine cannot try a password against every account. A branch behind
//     one NAT address shares this budget; a success does not reset it (a
//     single known account must not buy an attacker fresh guesses).
//
// Each table holds at most maxTracked keys. When full, it forgets the key
// whose last failure is oldest among the keys not at their limit, and only
// when every key is at its limit the oldest of those: a flood of failures
// on other names and addresses cannot unthrottle a throttled pair (the old
// limiter dropped its whole map past 10,000 keys).
const (
	maxFailures     = 5
	maxAddrFailures = 20
	failWindow      = 15 * time.Minute
	maxTracked      = 10000
)

// limiter counts recent login failures. Its methods are safe for
// concurrent use.
type limiter struct {
	mu    sync.Mutex
	pairs failTable // name + address
	addrs failTable // address
}

func newLimiter() *limiter {
	return &limiter{pairs: newFailTable(maxFailures, maxTracked), addrs: newFailTable(maxAddrFailures, maxTracked)}
}

// clientAddr is the request's client address without the port.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// pairKey is the name and the address together.
func pairKey(name, addr string) string { return name + "\x00" + addr }

// blocked tells whether name from addr must be refused at now.
func (l *limiter) blocked(name, addr string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.pairs.count(pairKey(name, addr), now) >= maxFailures || l.addrs.count(addr, now) >= maxAddrFailures
}

// fail records a wrong password for name from addr.
func (l *limiter) fail(name, addr string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pairs.fail(pairKey(name, addr), now)
	l.addrs.fail(addr, now)
}

// succeed clears the pair's failures (not the address's).
func (l *limiter) succeed(name, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pairs.forget(pairKey(name, addr))
}

// failTable is a bounded map from key to its recent failures. Two lists
// hold its entries ordered by last failure, oldest first: open (below the
// limit at the last failure) and full (at the limit), so eviction can
// spare the throttled. Not safe for concurrent use (limiter.mu guards it).
type failTable struct {
	limit, size int
	m           map[string]*list.Element
	open, full  *list.List
}

// failEntry is one key's failures, at most limit of them, oldest first.
type failEntry struct {
	key   string
	times []time.Time
	full  bool
}

func newFailTable(limit, size int) failTable {
	return failTable{limit: limit, size: size, m: map[string]*list.Element{}, open: list.New(), full: list.New()}
}

// count is how many failures key has within the window before now.
func (t *failTable) count(key string, now time.Time) int {
	el, ok := t.m[key]
	if !ok {
		return 0
	}
	e := el.Value.(*failEntry)
	e.times = recent(e.times, now)
	return len(e.times)
}

// fail records a failure of key at now, evicting first if the table is full.
func (t *failTable) fail(key string, now time.Time) {
	el, ok := t.m[key]
	if !ok {
		if len(t.m) >= t.size {
			t.evict(now)
		}
		el = t.open.PushBack(&failEntry{key: key})
		t.m[key] = el
	}
	e := el.Value.(*failEntry)
	e.times = append(recent(e.times, now), now)
	if len(e.times) > t.limit {
		e.times = e.times[len(e.times)-t.limit:]
	}
	t.listOf(e).Remove(el)
	e.full = len(e.times) >= t.limit
	t.m[key] = t.listOf(e).PushBack(e)
}

// forget drops key.
func (t *failTable) forget(key string) {
	if el, ok := t.m[key]; ok {
		t.listOf(el.Value.(*failEntry)).Remove(el)
		delete(t.m, key)
	}
}

// evict drops every entry whose last failure has left the window, then,
// if that freed nothing, the oldest open entry, else the oldest full one.
func (t *failTable) evict(now time.Time) {
	before := len(t.m)
	for _, l := range []*list.List{t.open, t.full} {
		for el := l.Front(); el != nil; el = l.Front() {
			e := el.Value.(*failEntry)
			if len(e.times) > 0 && now.Sub(e.times[len(e.times)-1]) <= failWindow {
				break
			}
			t.forget(e.key)
		}
	}
	if len(t.m) < before {
		return
	}
	if el := t.open.Front(); el != nil {
		t.forget(el.Value.(*failEntry).key)
	} else if el := t.full.Front(); el != nil {
		t.forget(el.Value.(*failEntry).key)
	}
}

func (t *failTable) listOf(e *failEntry) *list.List {
	if e.full {
		return t.full
	}
	return t.open
}

// recent drops failures older than the window.
func recent(times []time.Time, now time.Time) []time.Time {
	for len(times) > 0 && now.Sub(times[0]) > failWindow {
		times = times[1:]
	}
	return times
}
