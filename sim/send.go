package sim

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/scenario"
)

// Send numbers f with the next seq, writes it and waits for the agent's
// answer, retransmitting the same bytes when none comes within AckTimeout.
// It returns the ACK or NAK; a NAK is not an error (the caller decides).
func (p *Player) Send(ctx context.Context, f frame.Frame) (frame.Frame, error) {
	f.Seq = p.seq
	b, err := frame.Encode(f)
	if err != nil {
		return frame.Frame{}, fmt.Errorf("sim: %w", err)
	}
	p.seq++
	p.last, p.lastSeq = b, f.Seq
	p.out.sent(f)
	return p.transmit(ctx, string(f.Type), f.Seq, b)
}

// Again writes the last frame sent once more, same seq and same bytes, as a
// controller does when it thinks its frame was lost; the agent must ACK it
// again and not act on it twice.
func (p *Player) Again(ctx context.Context) (frame.Frame, error) {
	if p.last == nil {
		return frame.Frame{}, fmt.Errorf("sim: nothing sent yet")
	}
	p.out.note("again", fmt.Sprintf("#%d sent again, same bytes", p.lastSeq))
	return p.transmit(ctx, "frame", p.lastSeq, p.last)
}

// transmit writes b and waits for its answer, with retransmissions.
func (p *Player) transmit(ctx context.Context, typ string, seq uint16, b []byte) (frame.Frame, error) {
	from := p.mark()
	p.mu.Lock()
	p.pending[seq] = pending{sent: time.Now(), hb: typ == "HB"}
	p.stats.Sent++
	p.mu.Unlock()
	for try := 0; try <= p.opt.Retries; try++ {
		if try > 0 {
			p.mu.Lock()
			p.stats.Retransmits++
			p.mu.Unlock()
			p.out.note("retransmit", fmt.Sprintf("#%d %s retransmitted: no answer within %v (%d/%d)",
				seq, typ, p.opt.AckTimeout, try, p.opt.Retries))
		}
		if err := p.write(b); err != nil {
			return frame.Frame{}, err
		}
		idx, err := p.waitFor(ctx, from, time.Now().Add(p.opt.AckTimeout), true, answers(seq))
		if err != nil {
			return frame.Frame{}, err
		}
		if idx >= 0 {
			return p.at(idx).Frame, nil
		}
	}
	p.mu.Lock()
	p.stats.Unanswered++
	delete(p.pending, seq)
	p.mu.Unlock()
	return frame.Frame{}, fmt.Errorf("sim: %s #%d: %w after %d transmissions", typ, seq, ErrUnanswered, p.opt.Retries+1)
}

// answers matches the agent's ACK or NAK of seq; a NAK with an empty ref
// (the agent could not read the seq) is taken as the answer too.
func answers(seq uint16) func(Received) bool {
	ref := strconv.Itoa(int(seq))
	return func(r Received) bool {
		if r.Err != nil {
			return false
		}
		switch r.Frame.Type {
		case "ACK":
			return r.Frame.Value("ref") == ref
		case "NAK":
			got := r.Frame.Value("ref")
			return got == ref || got == ""
		}
		return false
	}
}

// SendRaw writes b as it is (noise, corrupt or hand-made frames) and waits
// up to AckTimeout for an answer, which is printed but not required: pure
// noise gets none.
func (p *Player) SendRaw(ctx context.Context, b []byte) error {
	from := p.mark()
	p.out.raw(b)
	if err := p.write(b); err != nil {
		return err
	}
	_, err := p.waitFor(ctx, from, time.Now().Add(p.opt.AckTimeout), true, func(r Received) bool {
		return r.Err == nil && (r.Frame.Type == "ACK" || r.Frame.Type == "NAK")
	})
	return err
}

// Expect waits up to within for a frame from the agent matching want (type
// and the fields it names), received after the previous matched expect.
// Heartbeats go on meanwhile.
func (p *Player) Expect(ctx context.Context, want frame.Frame, within time.Duration) error {
	match := func(r Received) bool { return r.Err == nil && scenario.Matches(want, r.Frame) }
	idx, err := p.waitFor(ctx, p.from, time.Now().Add(within), false, match)
	if err != nil {
		return err
	}
	if idx < 0 {
		return fmt.Errorf("expected %s within %v, not seen; the agent sent since the previous expect: %s",
			describe(want), within, p.summary(p.from))
	}
	p.from = idx + 1
	return nil
}

// summary lists the frames received from index from, leaving out ACKs and
// heartbeats.
func (p *Player) summary(from int) string {
	var parts []string
	for _, r := range p.Received()[from:] {
		switch {
		case r.Err != nil:
			parts = append(parts, "undecodable("+string(r.Err.Reason)+")")
		case r.Frame.Type == "ACK" || r.Frame.Type == "HB":
		default:
			parts = append(parts, describe(r.Frame))
		}
	}
	if len(parts) == 0 {
		return "nothing but ACKs and heartbeats"
	}
	return strings.Join(parts, "; ")
}

// Heartbeat sends `HB up=<seconds since start>` without waiting for its ACK.
func (p *Player) heartbeat() error {
	f := frame.New("HB", "up", strconv.Itoa(int(time.Since(p.up).Seconds())))
	f.Seq = p.seq
	p.seq++
	b, err := frame.Encode(f)
	if err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	p.mu.Lock()
	p.pending[f.Seq] = pending{sent: time.Now(), hb: true}
	p.mu.Unlock()
	p.out.sent(f)
	return p.write(b)
}

// write puts bytes on the line and notes the time for the heartbeat.
func (p *Player) write(b []byte) error {
	p.lastSent = time.Now()
	if _, err := p.port.Write(b); err != nil {
		return fmt.Errorf("sim: write to the line: %w", err)
	}
	return nil
}

// mark returns the index the next received frame will have.
func (p *Player) mark() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.got)
}

func (p *Player) at(i int) Received {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.got[i]
}

// idle lets d pass, sending heartbeats unless silent.
func (p *Player) idle(ctx context.Context, d time.Duration, silent bool) error {
	_, err := p.waitFor(ctx, 0, time.Now().Add(d), silent, nil)
	return err
}

// waitFor returns the index of the first received frame at or after from
// that matches, waiting until deadline (then -1). Heartbeats are sent when
// due unless silent. It fails when ctx ends or the line can no longer be
// read.
func (p *Player) waitFor(ctx context.Context, from int, deadline time.Time, silent bool, match func(Received) bool) (int, error) {
	for {
		p.mu.Lock()
		if match != nil {
			for i := from; i < len(p.got); i++ {
				if match(p.got[i]) {
					p.mu.Unlock()
					return i, nil
				}
			}
		}
		changed, readErr := p.changed, p.readErr
		p.mu.Unlock()
		if readErr != nil {
			return -1, fmt.Errorf("sim: read from the line: %w", readErr)
		}
		now := time.Now()
		if !now.Before(deadline) {
			return -1, nil
		}
		wake := deadline
		if !silent && p.opt.Heartbeat > 0 {
			due := p.lastSent.Add(p.opt.Heartbeat)
			if !due.After(now) {
				if err := p.heartbeat(); err != nil {
					return -1, err
				}
				continue
			}
			if due.Before(wake) {
				wake = due
			}
		}
		t := time.NewTimer(wake.Sub(now))
		select {
		case <-ctx.Done():
			t.Stop()
			return -1, ctx.Err()
		case <-changed:
		case <-t.C:
		}
		t.Stop()
	}
}
