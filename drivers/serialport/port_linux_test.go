package serialport

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/agenttest"
	"github.com/transferguard/transferguard/agent/frame"
)

// show renders a frame without its seq, for comparisons.
func show(f frame.Frame) string {
	s := string(f.Type)
	for _, kv := range f.Fields {
		s += " " + kv.Key + "=" + kv.Value
	}
	return s
}

func TestReplies(t *testing.T) {
	tests := []struct {
		name      string
		in        func(t testing.TB) string
		replies   []string
		delivered []string
	}{
		{"valid frame", func(t testing.TB) string { return agenttest.Wire(t, 3, "HB", "up", "5") },
			[]string{"ACK ref=3"}, []string{"HB up=5"}},
		{"chinese payee", func(t testing.TB) string { return agenttest.Wire(t, 4, "PAYEE", "name", "张三,李四", "new", "1") },
			[]string{"ACK ref=4"}, []string{"PAYEE name=张三,李四 new=1"}},
		{"bad crc", func(testing.TB) string { return "$TG1,5,END*0000\r\n" },
			[]string{"NAK ref=5 reason=CRC"}, nil},
		{"syntax", func(testing.TB) string { return "$TG1,6,END\r\n" },
			[]string{"NAK ref=6 reason=SYNTAX"}, nil},
		{"too long", func(testing.TB) string { return "$TG1,7,X,k=" + strings.Repeat("v", 600) + "\r\n" },
			[]string{"NAK ref=7 reason=TOO_LONG"}, nil},
		{"unknown type", func(t testing.TB) string { return agenttest.Wire(t, 8, "REBOOT") },
			[]string{"NAK ref=8 reason=UNKNOWN_TYPE"}, nil},
		{"controller ACK is not answered", func(t testing.TB) string {
			return agenttest.Wire(t, 13, "ACK", "ref", "7") + agenttest.Wire(t, 14, "END")
		},
			[]string{"ACK ref=14"}, []string{"END"}},
		{"duplicate", func(t testing.TB) string { return agenttest.Wire(t, 9, "CONFIRM") + agenttest.Wire(t, 9, "CONFIRM") },
			[]string{"ACK ref=9", "ACK ref=9"}, []string{"CONFIRM"}},
		{"noise around frames", func(t testing.TB) string {
			return "\x00\xffAT\r\n" + agenttest.Wire(t, 10, "END") + "junk$TG1,11,HB" + agenttest.Wire(t, 12, "PANIC")
		}, []string{"ACK ref=10", "ACK ref=12"}, []string{"END", "PANIC"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, a := connected(t)
			p.write(t, tt.in(t))
			for _, want := range tt.replies {
				if got := show(p.expect(t)); got != want {
					t.Errorf("reply %q, want %q", got, want)
				}
			}
			for _, want := range tt.delivered {
				if got := show(a.expectDelivered(t)); got != want {
					t.Errorf("delivered %q, want %q", got, want)
				}
			}
			a.expectNothingDelivered(t)
		})
	}
}

func TestSplitWrites(t *testing.T) {
	p, a := connected(t)
	in := "noise" + agenttest.Wire(t, 1, "START", "channel", "ATM", "lang", "zh") + agenttest.Wire(t, 2, "FUNC", "fn", "TRANSFER")
	for i := 0; i < len(in); i += 7 {
		p.write(t, in[i:min(i+7, len(in))])
		time.Sleep(time.Millisecond) // let the Port read each piece on its own
	}
	for _, want := range []string{"ACK ref=1", "ACK ref=2"} {
		if got := show(p.expect(t)); got != want {
			t.Errorf("reply %q, want %q", got, want)
		}
	}
	for _, want := range []string{"START channel=ATM lang=zh", "FUNC fn=TRANSFER"} {
		if got := show(a.expectDelivered(t)); got != want {
			t.Errorf("delivered %q, want %q", got, want)
		}
	}
}

func TestSendStampsInOrder(t *testing.T) {
	p, a := connected(t)
	a.port.Send(frame.New("HB", "up", "5"))
	first := p.expect(t)
	p.write(t, agenttest.Wire(t, 40, "END"))
	ack := p.expect(t)
	a.port.Send(frame.New("HOLD", "sid", "s1", "reason", "watchlist"))
	hold := p.expect(t)
	got := []string{show(first), show(ack), show(hold)}
	want := []string{"HB up=5", "ACK ref=40", "HOLD sid=s1 reason=watchlist"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if ack.Seq != first.Seq+1 || hold.Seq != ack.Seq+1 {
		t.Errorf("outbound seqs %d %d %d, want consecutive", first.Seq, ack.Seq, hold.Seq)
	}
}

func TestSendWhileClosedIsDropped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ttyTG")
	a := startPort(t, path) // nothing there yet
	a.port.Send(frame.New("SCREEN", "name", "transfer_warning", "sid", "s1"))
	if a.port.Connected() {
		t.Fatal("Connected() with no device, want false")
	}
	p := newPeer(t)
	p.link(t, path)
	a.expectState(t, true)
	if !a.port.Connected() {
		t.Fatal("Connected() false after OnState(true)")
	}
	p.write(t, agenttest.Wire(t, 1, "HB", "up", "1"))
	if got := show(p.expect(t)); got != "ACK ref=1" {
		t.Errorf("first frame from the agent %q, want ACK ref=1 (SCREEN queued while closed must be dropped)", got)
	}
	if n := count(a.logs, "outbound frames dropped"); n != 1 {
		t.Errorf("%d log lines about dropped frames, want 1", n)
	}
}

func TestMissingDeviceRetriedWithoutSpinning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ttyTG")
	a := startPort(t, path)
	time.Sleep(300 * time.Millisecond)
	// Backoff 5 ms doubling to 40 ms: about 10 attempts; a spinning loop
	// would make thousands.
	if n := count(a.logs, "serial device retry"); n < 2 || n > 100 {
		t.Errorf("%d open attempts in 300 ms, want a handful", n)
	}
	if n := count(a.logs, "serial device unavailable"); n != 1 {
		t.Errorf("%d warnings about the missing device, want 1", n)
	}
	p := newPeer(t)
	p.link(t, path)
	a.expectState(t, true)
	p.write(t, agenttest.Wire(t, 1, "HELLO", "proto", "1"))
	if got := show(p.expect(t)); got != "ACK ref=1" {
		t.Errorf("reply %q, want ACK ref=1", got)
	}
}

func TestDeviceVanishesAndReturns(t *testing.T) {
	p1 := newPeer(t)
	path := filepath.Join(t.TempDir(), "ttyTG")
	p1.link(t, path)
	a := startPort(t, path)
	a.expectState(t, true)
	p1.write(t, agenttest.Wire(t, 1, "START", "channel", "ATM"))
	p1.expect(t)
	a.expectDelivered(t)

	p1.close() // USB unplugged
	a.expectState(t, false)
	time.Sleep(100 * time.Millisecond) // several failed reopens
	p2 := newPeer(t)
	p2.link(t, path) // plugged back in
	a.expectState(t, true)

	// The same frame again (its ACK may have been lost in the outage) is
	// acknowledged but not delivered twice; a new one is delivered.
	p2.write(t, agenttest.Wire(t, 1, "START", "channel", "ATM")+agenttest.Wire(t, 2, "FUNC", "fn", "TRANSFER"))
	for _, want := range []string{"ACK ref=1", "ACK ref=2"} {
		if got := show(p2.expect(t)); got != want {
			t.Errorf("reply %q, want %q", got, want)
		}
	}
	if got := show(a.expectDelivered(t)); got != "FUNC fn=TRANSFER" {
		t.Errorf("delivered %q, want FUNC fn=TRANSFER", got)
	}
	if n := count(a.logs, "serial device lost"); n != 1 {
		t.Errorf("%d log lines about the lost device, want 1", n)
	}
	if n := count(a.logs, "serial device unavailable"); n != 0 {
		t.Errorf("%d log lines about failed reopens, want 0 (the loss was logged)", n)
	}
}

func TestAckDoesNotWaitForConsumer(t *testing.T) {
	p, a := connected(t)
	// Fill out so the next delivery blocks; ACKs of frames in the same
	// read must still be written first.
	for i := range cap(a.out) {
		a.out <- frame.New("FILL", "i", fmt.Sprint(i))
	}
	p.write(t, agenttest.Wire(t, 1, "KEY", "key", "ENTER")+agenttest.Wire(t, 2, "CANCEL"))
	for _, want := range []string{"ACK ref=1", "ACK ref=2"} {
		if got := show(p.expect(t)); got != want {
			t.Errorf("reply %q, want %q", got, want)
		}
	}
}
