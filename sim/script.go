package sim

import (
	"context"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/scenario"
	"github.com/transferguard/transferguard/agent/wire"
)

// Script is one parsed scenario file.
type Script struct {
	Name  string
	Steps []scenario.Step
}

// Load reads and parses scenario files; an error names the file and line.
func Load(paths ...string) ([]Script, error) {
	var out []Script
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("sim: %w", err)
		}
		steps, err := scenario.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("sim: %s: %w", path, err)
		}
		out = append(out, Script{Name: path, Steps: steps})
	}
	return out, nil
}

// PlayScripts plays each script in turn, and again from the first when
// loop is set, until one fails or ctx ends. An error names the file.
func (p *Player) PlayScripts(ctx context.Context, scripts []Script, loop bool) error {
	for {
		for _, s := range scripts {
			p.out.note("scenario", "playing "+s.Name)
			if err := p.Play(ctx, s.Steps); err != nil {
				return fmt.Errorf("%s: %w", s.Name, err)
			}
		}
		if !loop || ctx.Err() != nil {
			// Let the answers to the last frames arrive and print.
			_ = p.idle(ctx, 4*p.opt.AckTimeout, true)
			return ctx.Err()
		}
	}
}

// WaitAgent sends heartbeats every 500 ms until the agent ACKs one, for a
// player started before the agent. It fails after timeout.
func (p *Player) WaitAgent(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		from := p.mark()
		if err := p.heartbeat(); err != nil {
			return err
		}
		idx, err := p.waitFor(ctx, from, time.Now().Add(500*time.Millisecond), true, func(r Received) bool {
			return r.Err == nil && r.Frame.Type == "ACK"
		})
		if err != nil {
			return err
		}
		if idx >= 0 {
			p.from = idx + 1
			p.mu.Lock()
			p.stats.Latencies = nil // the agent was not there yet: not a latency
			p.mu.Unlock()
			return nil
		}
	}
	return fmt.Errorf("sim: no answer from the agent within %v", timeout)
}

// Summary is a one-line account of the stats, with ACK latency
// percentiles.
func (s Stats) Summary() string {
	return fmt.Sprintf("%d frames sent, %d retransmitted, %d ACK, %d NAK, %d unanswered; answer latency p50 %v p99 %v max %v",
		s.Sent, s.Retransmits, s.Acks, s.Naks, s.Unanswered,
		s.Percentile(50), s.Percentile(99), s.Percentile(100))
}

// Percentile returns the q-th percentile (0..100) of the answer
// latencies, or 0 when there are none.
func (s Stats) Percentile(q float64) time.Duration {
	if len(s.Latencies) == 0 {
		return 0
	}
	l := append([]time.Duration(nil), s.Latencies...)
	sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
	i := int(q / 100 * float64(len(l)-1))
	return l[i].Round(time.Microsecond)
}

// SendFrame is Send for a frame built from a type and key, value pairs.
func (p *Player) SendFrame(ctx context.Context, typ wire.FrameType, kv ...string) (frame.Frame, error) {
	return p.Send(ctx, frame.New(typ, kv...))
}
