package serialport

// The Port over a null-modem pair of COM ports, as on an ATM whose
// controller reaches the agent through com0com. scripts/test-windows.sh
// makes the pair under wine from a socat pty pair mapped as two COM ports.

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"go.bug.st/serial"

	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/wire"
)

// comPair returns the two ends of the pair named by TG_COM_PAIR
// ("COM8,COM9"): the controller's and the agent's.
func comPair(t *testing.T) (controller, agent string) {
	t.Helper()
	a, b, ok := strings.Cut(os.Getenv("TG_COM_PAIR"), ",")
	if !ok {
		t.Fatal("TG_COM_PAIR is not set: name a null-modem pair of COM ports, e.g. TG_COM_PAIR=COM8,COM9 " +
			"(com0com on Windows; scripts/test-windows.sh makes one under wine)")
	}
	return a, b
}

// comPeer opens the controller's end and decodes what the agent writes.
func comPeer(t *testing.T, path string) (serial.Port, <-chan frame.Frame) {
	t.Helper()
	sp, err := serial.Open(path, &serial.Mode{BaudRate: DefaultBaud})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	got := make(chan frame.Frame, 64)
	done := make(chan struct{})
	go func() {
		defer close(done)
		d := frame.NewDecoder()
		b := make([]byte, 1) // read_windows.go: wine holds a larger read until it is full
		for {
			n, err := sp.Read(b)
			if err != nil {
				return
			}
			d.Feed(b[:n], func(r frame.Result) {
				if r.Err == nil {
					got <- r.Frame
				}
			})
		}
	}()
	t.Cleanup(func() { sp.Close(); <-done })
	return sp, got
}

// A frame on a COM port is answered in time, and Run returns on cancel
// even though no byte is coming (wine never ends an idle read by itself).
func TestComPairAckAndStop(t *testing.T) {
	ctrlPath, agentPath := comPair(t)
	ctrl, got := comPeer(t, ctrlPath)
	opened := make(chan bool, 4)
	port := New(Config{Path: agentPath, OnState: func(open bool) { opened <- open }}, zerolog.Nop())
	out := make(chan frame.Frame, 8)
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- port.Run(ctx, out) }()
	defer cancel()
	select {
	case <-opened:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s never opened", agentPath)
	}
	f := frame.New(wire.Panic)
	f.Seq = 7
	b, err := frame.Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ctrl.Write(b); err != nil {
		t.Fatalf("write %s: %v", ctrlPath, err)
	}
	select {
	case r := <-got:
		if r.Type != wire.Ack || r.Value("ref") != "7" {
			t.Fatalf("got %s %v, want ACK ref=7", r.Type, r.Fields)
		}
	case <-time.After(5 * time.Second): // the contract's 50 ms is measured by the e2e, not here
		t.Fatal("no ACK from the agent's COM port")
	}
	if d := <-out; d.Type != wire.Panic {
		t.Errorf("delivered %s, want PANIC", d.Type)
	}
	cancel()
	select {
	case err := <-ran:
		if err != nil {
			t.Errorf("Run returned %v on cancel, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel: the pending read was not ended")
	}
}
