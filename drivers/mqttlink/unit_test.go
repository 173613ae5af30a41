package mqttlink

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/drivers/outbox"
)

func TestValidID(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"S1", true}, {"atm_0042-b", true}, {strings.Repeat("a", 64), true},
		{"", false}, {strings.Repeat("a", 65), false}, {"a/b", false},
		{"+", false}, {"#", false}, {"a b", false}, {"站点", false},
	} {
		if got := envelope.ValidID(tc.id); got != tc.want {
			t.Errorf("ValidID(%q): got %v, want %v", tc.id, got, tc.want)
		}
	}
}

func TestTopics(t *testing.T) {
	tp, err := NewTopics("S1", "T1")
	if err != nil {
		t.Fatal(err)
	}
	got := []string{tp.Status, tp.Alert, tp.Session, tp.ConfigState, tp.Dispatch,
		tp.FleetConfig, tp.SiteConfig, tp.TerminalConfig, tp.Watchlist, tp.Terminal("alert")}
	want := []string{"tg/v1/S1/T1/status", "tg/v1/S1/T1/alert", "tg/v1/S1/T1/session",
		"tg/v1/S1/T1/config/state", "tg/v1/S1/T1/dispatch", "tg/v1/config/set",
		"tg/v1/S1/config/set", "tg/v1/S1/T1/config/set", "tg/v1/watchlist/set", "tg/v1/S1/T1/alert"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("topic %d: got %s, want %s", i, got[i], want[i])
		}
	}
	if _, err := NewTopics("S/1", "T1"); err == nil {
		t.Error("NewTopics accepted a site with a slash")
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	ob, err := outbox.Open(filepath.Join(t.TempDir(), "o.db"), outbox.Options{}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer ob.Close()
	ok := Config{Broker: "tcp://127.0.0.1:1883", Site: "S1", Terminal: "T1"}
	for name, mutate := range map[string]func(*Config){
		"scheme":    func(c *Config) { c.Broker = "http://x:1" },
		"no host":   func(c *Config) { c.Broker = "tcp://" },
		"site":      func(c *Config) { c.Site = "a+b" },
		"terminal":  func(c *Config) { c.Terminal = "" },
		"ca file":   func(c *Config) { c.CAFile = "/nonexistent/ca.pem" },
		"cert only": func(c *Config) { c.CertFile = "/nonexistent/c.pem" },
	} {
		c := ok
		mutate(&c)
		if _, err := New(c, ob, zerolog.Nop()); err == nil {
			t.Errorf("%s: New accepted %+v", name, c)
		}
	}
	l, err := New(ok, ob, zerolog.Nop())
	if err != nil {
		t.Fatalf("valid config: %v", err)
	}
	if l.cfg.ClientID != "tg-S1-T1" || l.Boot() == "" || l.cfg.Window != DefaultWindow {
		t.Errorf("defaults: got client %q boot %q window %d", l.cfg.ClientID, l.Boot(), l.cfg.Window)
	}
}

// fakeMessage is an inbound paho message.
type fakeMessage struct {
	topic   string
	payload []byte
}

func (m fakeMessage) Duplicate() bool   { return false }
func (m fakeMessage) Qos() byte         { return 1 }
func (m fakeMessage) Retained() bool    { return false }
func (m fakeMessage) Topic() string     { return m.topic }
func (m fakeMessage) MessageID() uint16 { return 1 }
func (m fakeMessage) Payload() []byte   { return m.payload }
func (m fakeMessage) Ack()              {}

func TestHandlerNeverBlocks(t *testing.T) {
	ob, _ := outbox.Open(filepath.Join(t.TempDir(), "o.db"), outbox.Options{}, zerolog.Nop())
	defer ob.Close()
	l, err := New(Config{Broker: "tcp://127.0.0.1:1", Site: "S1", Terminal: "T1"}, ob, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range dispatchBuffer + documentBuffer + 10 {
			l.onMessage(nil, fakeMessage{"tg/v1/S1/T1/dispatch", []byte(`{"alert_id":"a","state":"claimed"}`)})
			l.onMessage(nil, fakeMessage{"tg/v1/config/set", []byte(`{}`)})
			l.onMessage(nil, fakeMessage{"tg/v1/watchlist/set", nil})
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("handler blocked with nobody reading")
	}
	if len(l.Dispatch()) != dispatchBuffer || len(l.Documents()) != documentBuffer {
		t.Fatalf("buffered: %d dispatch, %d documents", len(l.Dispatch()), len(l.Documents()))
	}
}
