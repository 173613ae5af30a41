package link

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/transferguard/transferguard/agent/agenttest"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/wire"
)

// decode turns wire text into the Results a port would pass to Receive.
func decode(t *testing.T, in string) []frame.Result {
	t.Helper()
	var out []frame.Result
	frame.NewDecoder().Feed([]byte(in), func(r frame.Result) {
		r.Raw = append([]byte(nil), r.Raw...)
		out = append(out, r)
	})
	return out
}

// show renders a reply and the deliver flag, as "ACK ref=3 +" or "NAK ref= reason=CRC -".
func show(f frame.Frame, deliver bool) string {
	s := string(f.Type)
	for _, kv := range f.Fields {
		s += " " + kv.Key + "=" + kv.Value
	}
	if deliver {
		return s + " +"
	}
	return s + " -"
}

func TestReceive(t *testing.T) {
	tests := []struct {
		name string
		in   func(t *testing.T) string
		want []string
	}{
		{"valid known", func(t *testing.T) string { return agenttest.Wire(t, 3, "HB", "up", "5") }, []string{"ACK ref=3 +"}},
		{"every controller type", func(t *testing.T) string {
			var b strings.Builder
			for i, typ := range []wire.FrameType{"HELLO", "HB", "START", "FUNC", "PAYEE", "AMOUNT", "CONFIRM", "CANCEL", "DONE", "END", "SENSOR", "KEY", "PANIC"} {
				b.WriteString(agenttest.Wire(t, uint16(i), typ))
			}
			return b.String()
		}, []string{"ACK ref=0 +", "ACK ref=1 +", "ACK ref=2 +", "ACK ref=3 +", "ACK ref=4 +", "ACK ref=5 +", "ACK ref=6 +",
			"ACK ref=7 +", "ACK ref=8 +", "ACK ref=9 +", "ACK ref=10 +", "ACK ref=11 +", "ACK ref=12 +"}},
		{"unknown type", func(t *testing.T) string { return agenttest.Wire(t, 4, "REBOOT") }, []string{"NAK ref=4 reason=UNKNOWN_TYPE -"}},
		{"agent type from controller", func(t *testing.T) string { return agenttest.Wire(t, 5, "HOLD", "sid", "1") }, []string{"NAK ref=5 reason=UNKNOWN_TYPE -"}},
		{"ACK and NAK are not answered", func(t *testing.T) string {
			return agenttest.Wire(t, 5, "ACK", "ref", "1") + agenttest.Wire(t, 6, "NAK", "ref", "2", "reason", "CRC")
		}, []string{" -", " -"}},
		{"unknown key is fine", func(t *testing.T) string { return agenttest.Wire(t, 6, "END", "future", "x") }, []string{"ACK ref=6 +"}},
		{"bad crc", func(*testing.T) string { return "$TG1,7,END*0000\r\n" }, []string{"NAK ref=7 reason=CRC -"}},
		{"syntax no seq", func(*testing.T) string { return "$junk\r\n" }, []string{"NAK ref= reason=SYNTAX -"}},
		{"too long", func(*testing.T) string { return "$TG1,8,X,k=" + strings.Repeat("v", 600) + "\n" }, []string{"NAK ref=8 reason=TOO_LONG -"}},
		{"retransmission", func(t *testing.T) string {
			return agenttest.Wire(t, 9, "AMOUNT", "minor", "100") + agenttest.Wire(t, 9, "AMOUNT", "minor", "100")
		}, []string{"ACK ref=9 +", "ACK ref=9 -"}},
		{"same seq other bytes", func(t *testing.T) string {
			return agenttest.Wire(t, 10, "AMOUNT", "minor", "100") + agenttest.Wire(t, 10, "AMOUNT", "minor", "200")
		}, []string{"ACK ref=10 +", "ACK ref=10 +"}},
		{"same bytes other seq", func(t *testing.T) string { return agenttest.Wire(t, 11, "CONFIRM") + agenttest.Wire(t, 12, "CONFIRM") },
			[]string{"ACK ref=11 +", "ACK ref=12 +"}},
		{"refused frame is not remembered", func(t *testing.T) string { return agenttest.Wire(t, 13, "NOPE") + agenttest.Wire(t, 13, "NOPE") },
			[]string{"NAK ref=13 reason=UNKNOWN_TYPE -", "NAK ref=13 reason=UNKNOWN_TYPE -"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New()
			var got []string
			for _, r := range decode(t, tt.in(t)) {
				got = append(got, show(l.Receive(r)))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReceiveWindow(t *testing.T) {
	l := New()
	first := decode(t, agenttest.Wire(t, 0, "HB", "up", "0"))[0]
	l.Receive(first)
	for i := 1; i < Window; i++ {
		l.Receive(decode(t, agenttest.Wire(t, uint16(i), "HB", "up", fmt.Sprint(i)))[0])
	}
	if _, deliver := l.Receive(first); deliver {
		t.Errorf("frame %d frames back delivered again, want dropped", Window)
	}
	l.Receive(decode(t, agenttest.Wire(t, Window, "HB", "up", "x"))[0])
	l.Receive(decode(t, agenttest.Wire(t, Window+1, "HB", "up", "y"))[0])
	// The re-ACKed copy of first must not have refreshed its slot.
	if reply, deliver := l.Receive(first); !deliver || reply.Value("ref") != "0" {
		t.Errorf("frame %d frames back: got %s, want ACK ref=0 delivered", Window+1, show(reply, deliver))
	}
}

func TestReceiveHelloRestartsWindow(t *testing.T) {
	l := New()
	hello := agenttest.Wire(t, 0, "HELLO", "proto", "1")
	start := agenttest.Wire(t, 1, "START", "channel", "ATM")
	var got []string
	// First run, a lost ACK of HELLO, then the controller reboots and
	// sends the same bytes again: a HELLO is always acted on (CONTRACT
	// §14), and the window it restarts holds only that HELLO.
	for _, r := range decode(t, hello+hello+start+hello+start+start) {
		got = append(got, show(l.Receive(r)))
	}
	want := []string{"ACK ref=0 +", "ACK ref=0 +", "ACK ref=1 +", "ACK ref=0 +", "ACK ref=1 +", "ACK ref=1 -"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestStampWraps(t *testing.T) {
	l := New()
	l.seq.Store(65534)
	var got []uint16
	for range 3 {
		got = append(got, l.Stamp(frame.New("HB")).Seq)
	}
	if fmt.Sprint(got) != "[65534 65535 0]" {
		t.Errorf("got %v, want [65534 65535 0]", got)
	}
}

func TestStampConcurrent(t *testing.T) {
	l := New()
	const workers, each = 4, 1000
	seen := make(chan uint16, workers*each)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				seen <- l.Stamp(frame.New("HB")).Seq
			}
		})
	}
	wg.Wait()
	close(seen)
	uniq := map[uint16]bool{}
	for s := range seen {
		if uniq[s] {
			t.Fatalf("seq %d stamped twice", s)
		}
		uniq[s] = true
	}
	if len(uniq) != workers*each {
		t.Errorf("got %d distinct seqs, want %d", len(uniq), workers*each)
	}
}
