package screenproc

import (
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
)

// A tgscreen that comes back mid-countdown must show what is left of the
// cooling-off, not start it again.
func TestResentScreenKeepsCountdownLeft(t *testing.T) {
	p := New(Config{Binary: "/nonexistent"}, zerolog.Nop())
	p.Show(screen.Screen{Name: wire.ScreenTransferWarning, CountdownMS: 10000, Ack: true})
	p.mu.Lock()
	p.curAt = p.curAt.Add(-3 * time.Second)
	p.mu.Unlock()
	got := p.current().CountdownMS
	if got > 7000 || got < 6900 {
		t.Errorf("countdown resent with %d ms left, want about 7000", got)
	}
	p.mu.Lock()
	p.curAt = p.curAt.Add(-time.Minute)
	p.mu.Unlock()
	if got := p.current().CountdownMS; got != 0 {
		t.Errorf("countdown long over resent with %d ms, want 0 (the prompt shows)", got)
	}
}
