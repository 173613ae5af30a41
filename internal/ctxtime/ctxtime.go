// Package ctxtime holds the one wait every retry loop of the drivers
// needs: a pause that ends early when its context does, so a reconnect
// back-off never keeps a stopping agent alive.
package ctxtime

import (
	"context"
	"time"
)

// Sleep waits d or until ctx ends; it reports whether ctx is still live,
// so a loop writes `if !ctxtime.Sleep(ctx, pause) { return }`.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
