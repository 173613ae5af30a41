package serialport

import (
	"path/filepath"
	"testing"
	"time"
)

// With AckWhenProcessed, an ACK means the consumer is done with the frame:
// a controller that saw the ACK can trust the alert is on disk.
func TestAckWaitsForProcessing(t *testing.T) {
	p := newPeer(t)
	path := filepath.Join(t.TempDir(), "ttyTG")
	p.link(t, path)
	a := startPort(t, path, func(c *Config) { c.AckWhenProcessed = 5 * time.Second })
	a.expectState(t, true)

	p.write(t, enc(t, 1, "PANIC")+enc(t, 2, "XYZ"))
	f := a.expectDelivered(t)
	if f.Type != "PANIC" {
		t.Fatalf("delivered %s, want PANIC", f.Type)
	}
	select {
	case r := <-p.got:
		t.Fatalf("agent answered %s %v before the frame was processed", r.Type, r.Fields)
	case <-time.After(100 * time.Millisecond):
	}
	a.port.Processed()
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
	p.write(t, enc(t, 7, "HB", "up", "1"))
	a.expectDelivered(t)
	if r := p.expect(t); r.Type != "ACK" || r.Value("ref") != "7" {
		t.Fatalf("got %s %v, want ACK ref=7", r.Type, r.Fields)
	}
	if a.logs.count("frame not processed in time; acknowledged anyway") != 1 {
		t.Error("the late ACK was not logged")
	}
}
