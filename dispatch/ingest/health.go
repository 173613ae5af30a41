package ingest

import (
	"fmt"
	"sync"
	"time"

	"github.com/transferguard/transferguard/agent/clock"
)

// UnhealthyAfter is how long the broker may be unreachable before Health
// reports it: long enough for paho to reconnect after a broker restart
// (it retries at most every 5 s), short enough that a load balancer or a
// monitor notices a desk that no longer receives alerts.
const UnhealthyAfter = 30 * time.Second

// linkState remembers whether the broker connection is up and since when.
// paho calls up and down from its own goroutines.
type linkState struct {
	clock clock.Clock
	mu    sync.Mutex
	isUp  bool
	since time.Time // of the last change; the client's creation before the first connection
}

func (l *linkState) up() {
	l.mu.Lock()
	l.isUp, l.since = true, l.clock.Now()
	l.mu.Unlock()
}

func (l *linkState) down() {
	l.mu.Lock()
	if l.isUp {
		l.isUp, l.since = false, l.clock.Now()
	}
	l.mu.Unlock()
}

// Unreachable is how long the broker has been out of reach on either
// connection: 0 while both are connected, and counted from New until the
// first connection.
func (cl *Client) Unreachable() time.Duration {
	return max(cl.link.unreachable(), cl.slink.unreachable())
}

func (l *linkState) unreachable() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.isUp {
		return 0
	}
	return l.clock.Now().Sub(l.since)
}

// Health returns an error once the broker has been unreachable for more
// than UnhealthyAfter: the instance then receives no alerts and can send
// no dispatch, whatever its console shows. tgdispatch's /healthz answers
// 503 with it.
func (cl *Client) Health() error {
	if d := cl.Unreachable(); d > UnhealthyAfter {
		return fmt.Errorf("broker %s unreachable for %s", cl.cfg.Broker, d.Round(time.Second))
	}
	return nil
}
