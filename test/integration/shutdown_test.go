//go:build integration

package integration

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/sim"
)

// panicPair is one customer at the counter pressing the duress button: a
// START with its own region (carried by the alert) and a PANIC. A
// controller that got no ACK for the PANIC sends both again, same seqs and
// bytes, to the next run of the agent.
type panicPair struct {
	region string
	seq    uint16 // the PANIC's seq
	raw    []byte // START then PANIC
}

func newPanicPair(t *testing.T, n int, seq uint16) panicPair {
	t.Helper()
	p := panicPair{region: fmt.Sprintf("%06d", 400000+n), seq: seq + 1}
	for _, f := range []frame.Frame{
		{Seq: seq, Type: wire.Start, Fields: []frame.Field{{Key: "channel", Value: string(wire.ChannelCounter)}, {Key: "region", Value: p.region}, {Key: "lang", Value: "zh"}}},
		{Seq: seq + 1, Type: wire.Panic},
	} {
		b, err := frame.Encode(f)
		if err != nil {
			t.Fatal(err)
		}
		p.raw = append(p.raw, b...)
	}
	return p
}

// acked returns the refs of every ACK the agent wrote so far.
func (r *rig) acked() map[string]bool {
	got := map[string]bool{}
	for _, rc := range r.player.Received() {
		if rc.Err == nil && rc.Frame.Type == wire.Ack {
			got[rc.Frame.Value("ref")] = true
		}
	}
	return got
}

// unacked returns the pairs whose PANIC has no ACK yet.
func (r *rig) unacked(pairs []panicPair) []panicPair {
	ack := r.acked()
	var out []panicPair
	for _, p := range pairs {
		if !ack[strconv.Itoa(int(p.seq))] {
			out = append(out, p)
		}
	}
	return out
}

// burst writes the pairs back to back, 2 ms apart (a 40-byte frame takes
// about 3.5 ms at 115200 baud), and stops at the first write error.
func (r *rig) burst(pairs []panicPair) {
	for _, p := range pairs {
		if _, err := r.pty.Write(p.raw); err != nil {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// resend sends the pairs not ACKed yet again, as a controller does after
// its 200 ms ACK timeout, until the running agent has ACKed them all.
func (r *rig) resend(t *testing.T, pairs []panicPair) {
	t.Helper()
	for try := 0; len(r.unacked(pairs)) > 0; try++ {
		if try == 10 {
			t.Fatalf("%d PANICs never ACKed by a running agent", len(r.unacked(pairs)))
		}
		r.burst(r.unacked(pairs))
		time.Sleep(sim.DefaultAckTimeout)
	}
}

// TestSigtermDuringPanicBurst: 20 rounds of a PANIC burst with SIGTERM sent
// in the middle of it, the agent restarted and the controller sending again
// what was not ACKed. Every PANIC the agent ACKed has its alert at the
// broker: an ACK means the alert is safe (docs/security.md).
func TestSigtermDuringPanicBurst(t *testing.T) {
	t.Parallel()
	const rounds, perRound = 20, 10
	r := newRig(t, nil)
	r.startAgent()
	var pairs []panicPair
	seq := uint16(30000) // far from the player's own heartbeat seqs
	for round := range rounds {
		start := time.Now()
		again := len(r.unacked(pairs))
		r.resend(t, pairs)
		fresh := make([]panicPair, perRound)
		for i := range fresh {
			fresh[i] = newPanicPair(t, len(pairs), seq)
			pairs, seq = append(pairs, fresh[i]), seq+2
		}
		done := make(chan struct{})
		go func() { defer close(done); r.burst(fresh) }()
		time.Sleep(time.Duration(1+round*7%20) * time.Millisecond) // mid-burst, at a different point each round
		if code := r.agent.stop(); code != 0 {
			t.Fatalf("round %d: tgagent exited %d after SIGTERM, want 0\n%s", round, code, tail(r.agent.log(), 20))
		}
		<-done
		r.startAgent()
		t.Logf("round %d: %d sent again, %d new, %d not ACKed, %v", round, again, perRound,
			len(r.unacked(fresh)), time.Since(start).Round(time.Millisecond))
	}
	r.resend(t, pairs)
	r.sub.await(30*time.Second, "a panic alert for every ACKed PANIC", func(msgs []message) bool {
		got := panicRegions(t, msgs)
		for _, p := range pairs {
			if got[p.region] == 0 {
				return false
			}
		}
		return true
	})
	got, dups := panicRegions(t, r.sub.all()), 0
	for _, p := range pairs {
		dups += got[p.region] - 1
	}
	t.Logf("%d PANICs over %d SIGTERMs, all ACKed and delivered; %d delivered twice (sent again after an unACKed first try)", len(pairs), rounds, dups)
}

// TestFrameOrderAckFirst: for FUNC fn=TRANSFER the ACK of the FUNC reaches
// the controller before the HOLD and SCREEN it caused
// (docs/serial-protocol.md §3, frame order).
func TestFrameOrderAckFirst(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	r.startAgent()
	r.play("HELLO proto=1 model=SIM-ATM fw=1.0\n")
	for i := range 10 {
		r.play("START channel=ATM card=6222021234563445 age=45 lang=zh\nexpect SCREEN name=reminder\n")
		from := len(r.player.Received())
		ack, err := r.player.SendFrame(t.Context(), wire.Func, "fn", string(wire.FnTransfer))
		if err != nil || ack.Type != wire.Ack {
			t.Fatalf("FUNC: %v %v", ack, err)
		}
		r.play("expect HOLD reason=cooling_off\nexpect SCREEN name=transfer_warning\nEND\n")
		var order []string
		for _, rc := range r.player.Received()[from:] {
			if rc.Err != nil || rc.Frame.Type == wire.HB {
				continue
			}
			order = append(order, string(rc.Frame.Type)+" "+rc.Frame.Value("ref"))
		}
		want := []string{"ACK " + ack.Value("ref"), string(wire.Hold) + " ", string(wire.Screen) + " "}
		if len(order) < 3 || fmt.Sprint(order[:3]) != fmt.Sprint(want) {
			t.Fatalf("session %d: the agent wrote %q after FUNC, want %q first", i, order, want)
		}
	}
}
