package ingest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/internal/mosquittotest"
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
		{func() { cl.link.up(); cl.slink.up() }, 0, true, "connected"},
		{nil, time.Hour, true, "connected an hour"},
		{cl.link.down, UnhealthyAfter, true, "lost 30 s ago"},
		{cl.link.down, 0, true, "a second loss does not restart the count"},
		{nil, time.Second, false, "lost 31 s ago"},
		{cl.link.up, 0, true, "reconnected"},
		{cl.slink.down, UnhealthyAfter + time.Second, false, "the status connection alone lost 31 s ago"},
		{cl.slink.up, 0, true, "the status connection back"},
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

// nopHandler drops everything.
type nopHandler struct{}

func (nopHandler) HandleAlert(context.Context, envelope.Alert) error { return nil }
func (nopHandler) HandleStatus(context.Context, string, string, envelope.Status) error {
	return nil
}
func (nopHandler) HandleSession(context.Context, envelope.SessionRecord) error { return nil }
func (nopHandler) HandleConfigState(context.Context, string, string, envelope.ConfigState) error {
	return nil
}

// isUp polls until both connections' link state is want (paho reports
// from its goroutines).
func isUp(t *testing.T, cl *Client, want bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	state := func(l *linkState) bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.isUp
	}
	for time.Now().Before(deadline) {
		if state(&cl.link) == want && state(&cl.slink) == want {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("link never became up=%v", want)
}

// Against a real mosquitto: paho's connect and lost callbacks drive Health.
func TestHealthWithARealBrokerOutage(t *testing.T) {
	b := mosquittotest.Start(t)
	clk := clock.NewFake(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	cl, err := New(Config{Broker: b.URL(), Group: "g", ClientID: "health-" + t.Name(), Clock: clk}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cl.Run(ctx, nopHandler{}) }()
	defer func() { cancel(); <-done }()
	isUp(t, cl, true)
	b.Stop()
	isUp(t, cl, false)
	clk.Advance(UnhealthyAfter + time.Second)
	if cl.Health() == nil {
		t.Fatal("healthy 31 s after the broker went away")
	}
	b.Restart()
	isUp(t, cl, true)
	if err := cl.Health(); err != nil {
		t.Fatalf("after reconnecting: %v", err)
	}
}
