package ctxtime

import (
	"context"
	"testing"
	"time"
)

// A cancelled context ends the wait at once and says so; an expired
// timer says the context is still live.
func TestSleep(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if Sleep(ctx, time.Hour) {
		t.Error("Sleep on a cancelled context reported it live")
	}
	if !Sleep(context.Background(), time.Millisecond) {
		t.Error("Sleep on a live context reported it ended")
	}
}
