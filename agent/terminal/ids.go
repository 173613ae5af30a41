package terminal

import (
	"crypto/rand"
	"sync"

	"github.com/oklog/ulid/v2"

	"github.com/transferguard/transferguard/agent/clock"
)

// NewULIDs returns a generator of ULIDs: unique, and sortable by the
// clock's time, so ids in logs and at consoles come out in order.
func NewULIDs(c clock.Clock) func() string {
	var mu sync.Mutex
	entropy := ulid.Monotonic(rand.Reader, 0)
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		return ulid.MustNew(ulid.Timestamp(c.Now()), entropy).String()
	}
}
