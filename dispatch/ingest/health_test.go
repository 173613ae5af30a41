package ingest

import (
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
)

func TestHealthFollowsTheBrokerLink(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	cl, err := New(Config{Broker: "tcp://192.0.2.1:1883", Group: "g", Clock: clk}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		do      func()
		advance time.Duration
		healthy bool
		why     string
	}{
		{nil, UnhealthyAfter, true, "never connected, 30 s after start"},
		{nil, time.Second, false, "never connected, 31 s after start"},
		{cl.link.up, 0, true, "connected"},
		{nil, time.Hour, true, "connected an hour"},
		{cl.link.down, UnhealthyAfter, true, "lost 30 s ago"},
		{cl.link.down, 0, true, "a second loss does not restart the count"},
		{nil, time.Second, false, "lost 31 s ago"},
		{cl.link.up, 0, true, "reconnected"},
	}
	for _, s := range steps {
		if s.do != nil {
			s.do()
		}
		clk.Advance(s.advance)
		err := cl.Health()
		if (err == nil) != s.healthy {
			t.Fatalf("%s: Health() = %v, want healthy %v", s.why, err, s.healthy)
		}
		if err != nil && !strings.Contains(err.Error(), "192.0.2.1") {
			t.Errorf("%s: %v does not name the broker", s.why, err)
		}
	}
}
