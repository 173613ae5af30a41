package web

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Login throttling: after maxFailures wrong passwords for one name from
// one address within failWindow, that pair is refused until the window has
// passed. Keyed by name and address together, so an attacker elsewhere
// cannot lock a guard out.
const (
	maxFailures = 5
	failWindow  = 15 * time.Minute
	maxTracked  = 10000
)

// limiter counts recent login failures.
type limiter struct {
	mu    sync.Mutex
	fails map[string][]time.Time
}

// key is the name and the client address (without port).
func limitKey(r *http.Request, name string) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return name + "\x00" + host
}

// blocked tells whether key has used up its failures at now.
func (l *limiter) blocked(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(key, now)) >= maxFailures
}

// fail records a failure.
func (l *limiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fails == nil || len(l.fails) > maxTracked {
		l.fails = map[string][]time.Time{} // bounded memory; forgetting is safe
	}
	l.fails[key] = append(l.recent(key, now), now)
}

// succeed clears key's failures.
func (l *limiter) succeed(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}

// recent drops failures older than the window; l.mu is held.
func (l *limiter) recent(key string, now time.Time) []time.Time {
	list := l.fails[key]
	for len(list) > 0 && now.Sub(list[0]) > failWindow {
		list = list[1:]
	}
	if l.fails != nil {
		l.fails[key] = list
	}
	return list
}
