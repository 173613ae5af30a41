package serialport

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/agenttest"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/wire"
)

// With AckWhenProcessed, an ACK means the consumer is done with the frame:
// a controller that saw the ACK can trust the alert is on disk.
func TestAckWaitsForProcessing(t *testing.T) {
	p := newPeer(t)
	path := filepath.Join(t.TempDir(), "ttyTG")
	p.link(t, path)
	a := startPort(t, path, func(c *Config) { c.AckWhenProcessed = 5 * time.Second })
	a.expectState(t, true)

	p.write(t, agenttest.Wire(t, 1, "PANIC")+agenttest.Wire(t, 2, "XYZ"))
	f := a.expectDelivered(t)
	if f.Type != "PANIC" {
		t.Fatalf("delivered %s, want PANIC", f.Type)
	}
	select {
	case r := <-p.got:
		t.Fatalf("agent answered %s %v before the frame was processed", r.Type, r.Fields)
	case <-time.After(100 * time.Millisecond):
	}
	a.port.Processed("")
	if r := p.expect(t); r.Type != "ACK" || r.Value("ref") != "1" {
		t.Fatalf("got %s %v, want ACK ref=1", r.Type, r.Fields)
	}
	if r := p.expect(t); r.Type != "NAK" || r.Value("reason") != "UNKNOWN_TYPE" {
		t.Fatalf("got %s %v, want the NAK for the unknown type after the ACK", r.Type, r.Fields)
	}
}

// A consumer that never reports gets its frames acknowledged after the
// configured bound all the same: the controller must hear an answer.
func TestAckAfterBoundWhenConsumerStalls(t *testing.T) {
	p := newPeer(t)
	path := filepath.Join(t.TempDir(), "ttyTG")
	p.link(t, path)
	a := startPort(t, path, func(c *Config) { c.AckWhenProcessed = 30 * time.Millisecond })
	a.expectState(t, true)
	p.write(t, agenttest.Wire(t, 7, "HB", "up", "1"))
	a.expectDelivered(t)
	if r := p.expect(t); r.Type != "ACK" || r.Value("ref") != "7" {
		t.Fatalf("got %s %v, want ACK ref=7", r.Type, r.Fields)
	}
	if count(a.logs, "frame not processed in time; acknowledged anyway") != 1 {
		t.Error("the late ACK was not logged")
	}
}

// A HOLD or SCREEN the consumer sends while it acts on a frame reaches the
// line after that frame's ACK: the controller learns its frame was taken
// before it hears what the frame caused (docs/serial-protocol.md §3).
func TestAckPrecedesFramesCausedByTheFrame(t *testing.T) {
	p := newPeer(t)
	path := filepath.Join(t.TempDir(), "ttyTG")
	p.link(t, path)
	a := startPort(t, path, func(c *Config) { c.AckWhenProcessed = 5 * time.Second })
	a.expectState(t, true)

	p.write(t, agenttest.Wire(t, 4, wire.Func, "fn", string(wire.FnTransfer)))
	a.expectDelivered(t)
	a.port.Send(frame.New(wire.Hold, "sid", "S", "reason", string(wire.HoldCoolingOff)))
	a.port.Send(frame.New(wire.Screen, "name", string(wire.ScreenTransferWarning), "sid", "S"))
	select {
	case r := <-p.got:
		t.Fatalf("agent wrote %s %v before the frame was processed and ACKed", r.Type, r.Fields)
	case <-time.After(100 * time.Millisecond):
	}
	a.port.Processed("")
	for _, want := range []wire.FrameType{wire.Ack, wire.Hold, wire.Screen} {
		if r := p.expect(t); r.Type != want {
			t.Fatalf("got %s %v, want %s (the ACK of the frame first, then what it caused)", r.Type, r.Fields, want)
		}
	}
}

// A frame the consumer cannot act on (CONFIRM with no session open, after
// an agent restart) is answered NAK NO_SESSION instead of its ACK, and is
// not remembered: the same bytes sent again are looked at again, not
// acknowledged as a duplicate of a frame that did nothing (CONTRACT §14).
func TestNakWhenConsumerRefuses(t *testing.T) {
	p := newPeer(t)
	path := filepath.Join(t.TempDir(), "ttyTG")
	p.link(t, path)
	a := startPort(t, path, func(c *Config) { c.AckWhenProcessed = 5 * time.Second })
	a.expectState(t, true)

	confirm := agenttest.Wire(t, 5, wire.Confirm)
	p.write(t, confirm)
	a.expectDelivered(t)
	a.port.Processed(wire.NakNoSession)
	if r := p.expect(t); r.Type != wire.Nak || r.Value("ref") != "5" || r.Value("reason") != string(wire.NakNoSession) {
		t.Fatalf("got %s %v, want NAK ref=5 reason=NO_SESSION", r.Type, r.Fields)
	}
	p.write(t, confirm)
	if f := a.expectDelivered(t); f.Type != wire.Confirm {
		t.Fatalf("the retransmitted CONFIRM delivered as %s", f.Type)
	}
	a.port.Processed("")
	if r := p.expect(t); r.Type != wire.Ack || r.Value("ref") != "5" {
		t.Fatalf("got %s %v, want ACK ref=5 once the consumer acted on it", r.Type, r.Fields)
	}
}
