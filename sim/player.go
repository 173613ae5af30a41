// Package sim is a terminal controller in software: it plays scenario
// files (agent/scenario) onto a serial line the way an ATM or teller system
// would — numbering frames, sending heartbeats, waiting for each ACK and
// retransmitting when none comes — and reports every frame the agent
// answers. tgsim is its command line; the integration tests drive the
// agent through it, so what they prove is what an integrator would see.
package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/scenario"
)

// Defaults of Options, those of a typical controller.
const (
	DefaultHeartbeat  = 5 * time.Second
	DefaultAckTimeout = 200 * time.Millisecond
	DefaultRetries    = 3
)

// ErrUnanswered is returned (wrapped) when a frame got neither ACK nor NAK
// after every retransmission: the agent broke CONTRACT §2.
var ErrUnanswered = errors.New("no ACK or NAK")

// Options configure a Player. Zero values take the defaults above; set
// Heartbeat to a negative value to send no heartbeats at all.
type Options struct {
	Heartbeat  time.Duration // HB period after the last frame sent
	Speed      float64       // delays and waits are divided by it; the agent's own timers are not
	AckTimeout time.Duration // how long to wait for ACK before retransmitting
	Retries    int           // retransmissions before giving up on a frame
	Out        io.Writer     // where frames and events are printed; nil prints nothing
	JSON       bool          // JSON lines instead of human-readable lines
	Quiet      bool          // leave heartbeats (ours, the agent's, their ACKs) out of Out
}

func (o Options) withDefaults() Options {
	if o.Heartbeat == 0 {
		o.Heartbeat = DefaultHeartbeat
	}
	if o.Speed <= 0 {
		o.Speed = 1
	}
	if o.AckTimeout <= 0 {
		o.AckTimeout = DefaultAckTimeout
	}
	if o.Retries < 0 {
		o.Retries = 0
	} else if o.Retries == 0 {
		o.Retries = DefaultRetries
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	return o
}

// Received is one frame the agent wrote, or one it wrote so badly that it
// could not be decoded (Err set).
type Received struct {
	At    time.Time
	Frame frame.Frame
	Err   *frame.Error
}

// Stats counts what a Player did and saw.
type Stats struct {
	Sent        int             // frames written, first transmissions only
	Retransmits int             // extra transmissions for want of an ACK
	Acks, Naks  int             // answers received
	Unanswered  int             // frames that never got an answer
	Latencies   []time.Duration // frame → answer, for first transmissions that were answered
}

// Player writes frames to one serial line and reads the agent's answers.
// Steps (Play, Step, Send…) must be called from one goroutine at a time;
// Received, Stats and Close are safe from any goroutine.
type Player struct {
	port  io.ReadWriteCloser
	opt   Options
	out   *printer
	start time.Time

	mu       sync.Mutex
	got      []Received
	changed  chan struct{} // closed and replaced when got grows or reading ends
	readErr  error
	pending  map[uint16]pending // seq → first transmission, awaiting an answer
	stats    Stats
	closed   bool
	readDone chan struct{}
	stop     context.CancelFunc

	// Owned by the stepping goroutine.
	seq      uint16
	lastSent time.Time
	last     []byte // bytes of the last frame sent, for Again
	lastSeq  uint16
	from     int // expect cursor: index in got after the last matched expect
	up       time.Time
}

// New starts reading the agent's frames from port. The Player owns port:
// Close (or ctx ending) closes it and stops the reader.
func New(ctx context.Context, port io.ReadWriteCloser, opt Options) *Player {
	opt = opt.withDefaults()
	ctx, stop := context.WithCancel(ctx)
	p := &Player{
		port: port, opt: opt, start: time.Now(), up: time.Now(), lastSent: time.Now(),
		changed: make(chan struct{}), pending: map[uint16]pending{},
		readDone: make(chan struct{}), stop: stop,
	}
	p.out = &printer{w: opt.Out, json: opt.JSON, quiet: opt.Quiet, start: p.start}
	go p.read()
	go func() { <-ctx.Done(); p.Close() }()
	return p
}

// Close closes the port and waits for the reader to stop.
func (p *Player) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		<-p.readDone
		return nil
	}
	p.closed = true
	p.mu.Unlock()
	p.stop()
	err := p.port.Close()
	<-p.readDone
	return err
}

// Received returns a copy of every frame the agent has written so far.
func (p *Player) Received() []Received {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Received(nil), p.got...)
}

// Stats returns the counters so far.
func (p *Player) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Latencies = append([]time.Duration(nil), s.Latencies...)
	return s
}

// read decodes the agent's bytes until the port fails or is closed.
func (p *Player) read() {
	defer close(p.readDone)
	d := frame.NewDecoder()
	buf := make([]byte, 4096)
	for {
		n, err := p.port.Read(buf)
		now := time.Now()
		d.Feed(buf[:n], func(r frame.Result) { p.receive(now, r) })
		if err != nil {
			p.mu.Lock()
			p.readErr = err
			p.notifyLocked()
			p.mu.Unlock()
			return
		}
	}
}

// receive records one decoded result, settles a pending frame it answers
// and prints it.
func (p *Player) receive(at time.Time, r frame.Result) {
	rec := Received{At: at, Frame: r.Frame, Err: r.Err}
	var latency time.Duration
	hb := r.Err == nil && r.Frame.Type == "HB"
	p.mu.Lock()
	p.got = append(p.got, rec)
	if r.Err == nil && (r.Frame.Type == "ACK" || r.Frame.Type == "NAK") {
		if r.Frame.Type == "ACK" {
			p.stats.Acks++
		} else {
			p.stats.Naks++
		}
		if ref, err := strconv.ParseUint(r.Frame.Value("ref"), 10, 16); err == nil {
			if pd, ok := p.pending[uint16(ref)]; ok {
				latency, hb = at.Sub(pd.sent), pd.hb
				p.stats.Latencies = append(p.stats.Latencies, latency)
				delete(p.pending, uint16(ref))
			}
		}
	}
	// Printed before the stepping goroutine is woken, so that what it
	// prints about this frame comes after the frame itself.
	p.out.received(rec, latency, hb)
	p.notifyLocked()
	p.mu.Unlock()
}

// pending is a frame sent and not yet answered.
type pending struct {
	sent time.Time
	hb   bool
}

func (p *Player) notifyLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// Play runs the steps in order and returns at the first failure: an expect
// not met, a frame never answered, or the line failing.
func (p *Player) Play(ctx context.Context, steps []scenario.Step) error {
	for _, st := range steps {
		if err := p.Step(ctx, st); err != nil {
			return err
		}
	}
	return nil
}

// Step runs one step: waits its delay (with heartbeats, except in a
// silence), then sends, checks or does nothing more.
func (p *Player) Step(ctx context.Context, st scenario.Step) error {
	err := p.step(ctx, st)
	if err != nil {
		p.out.event("fail", st.Line, err.Error())
	}
	return lineErr(st.Line, err)
}

func (p *Player) step(ctx context.Context, st scenario.Step) error {
	silent := st.Kind == scenario.Silence
	if err := p.idle(ctx, p.scale(st.Delay), silent); err != nil {
		return err
	}
	switch st.Kind {
	case scenario.Send:
		ans, err := p.Send(ctx, st.Frame)
		if err != nil {
			return err
		}
		if ans.Type == "NAK" {
			p.out.event("nak", st.Line, fmt.Sprintf("%s was refused: NAK reason=%s", st.Frame.Type, ans.Value("reason")))
		}
	case scenario.Raw:
		return p.SendRaw(ctx, st.Raw)
	case scenario.Touch, scenario.Dispatch, scenario.Restart:
		// None travels on the serial line: a touch reaches the agent from
		// its own screen, a dispatch from the guard console, and an agent
		// restart is the test harness killing the core.
		p.out.event("skip", st.Line, st.Kind+" is played by the core tests only; nothing sent")
	case scenario.Expect:
		if err := p.Expect(ctx, st.Frame, st.Within); err != nil {
			return err
		}
		p.out.event("expect", st.Line, "seen: "+describe(st.Frame))
	}
	return nil
}

func lineErr(line int, err error) error {
	if err == nil || line == 0 {
		return err
	}
	return fmt.Errorf("line %d: %w", line, err)
}

// scale turns a scenario duration into wall time at the chosen speed.
func (p *Player) scale(d time.Duration) time.Duration {
	return time.Duration(float64(d) / p.opt.Speed)
}
