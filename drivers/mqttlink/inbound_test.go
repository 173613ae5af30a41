package mqttlink

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/drivers/outbox"
)

func newTestLink(t *testing.T) *Link {
	t.Helper()
	ob, err := outbox.Open(filepath.Join(t.TempDir(), "o.db"), outbox.Options{}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ob.Close() })
	l, err := New(Config{Broker: "tcp://127.0.0.1:1", Site: "S1", Terminal: "T1"}, ob, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// A dispatch is handed on as received, never decoded by the link: the
// signature check belongs to the core (a forged plain object used to go
// straight to the terminal).
func TestDispatchHandedOnAsReceived(t *testing.T) {
	l := newTestLink(t)
	forged := `{"alert_id":"a1","state":"resolved","guard":"evil"}`
	l.onMessage(nil, fakeMessage{"tg/v1/S1/T1/dispatch", []byte(forged)})
	l.onMessage(nil, fakeMessage{"tg/v1/S1/T1/dispatch", nil})
	l.onMessage(nil, fakeMessage{"tg/v1/S1/T1/dispatch", bytes.Repeat([]byte("x"), 1<<20)})
	if got := <-l.Dispatch(); got != (envelope.Dispatch{Signed: forged}) {
		t.Fatalf("got %+v, want only Signed", got)
	}
	if got := <-l.Dispatch(); len(got.Signed) != dsse.MaxDispatchEnvelope+1 || got.AlertID != "" {
		t.Fatalf("oversized dispatch: got %d bytes, want cut to %d", len(got.Signed), dsse.MaxDispatchEnvelope+1)
	}
	if n := len(l.Dispatch()); n != 0 {
		t.Fatalf("%d more dispatch, want none (an empty message is nothing)", n)
	}
}

// An oversized document reaches the core (which reports too_large on
// config/state) cut to its limit plus one byte.
func TestOversizedDocumentHandedOnCut(t *testing.T) {
	l := newTestLink(t)
	l.onMessage(nil, fakeMessage{"tg/v1/config/set", bytes.Repeat([]byte("x"), 50<<20)})
	var d Document
	select {
	case d = <-l.Documents():
	default:
		t.Fatal("oversized document dropped: the core never reports too_large")
	}
	if d.Topic != "tg/v1/config/set" || len(d.Payload) != maxInboundPayload+1 {
		t.Fatalf("got %s with %d bytes, want %d", d.Topic, len(d.Payload), maxInboundPayload+1)
	}
	if _, err := dsse.Parse(d.Payload, dsse.MaxConfigEnvelope); err == nil {
		t.Fatal("the cut document parses: it would not be refused as too large")
	}
}
