// Package serialport connects the serial link of CONTRACT §2 to a real
// device through go.bug.st/serial. It only opens, reads, writes and
// reopens: bytes go through agent/frame and the ACK/NAK and de-duplication
// rules come from agent/link. A device that is missing or vanishes (USB
// unplugged) is reopened with exponential backoff, without restarting the
// agent.
package serialport

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"go.bug.st/serial"

	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/link"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/internal/ctxtime"
)

const (
	// readTimeout bounds each Read, so the read loop notices ctx and a
	// failed writer within this time (not under wine: read_windows.go).
	readTimeout = 100 * time.Millisecond
	// QueueLen is how many outbound frames Send holds before dropping.
	QueueLen = 64
)

// Port is one serial link to a terminal controller. Run owns the device;
// Send and Connected may be called from any goroutine.
type Port struct {
	cfg   Config
	log   zerolog.Logger
	link  *link.Link
	queue chan frame.Frame
	up    atomic.Bool

	dropped  atomic.Uint64       // outbound frames dropped since last logged
	wmu      sync.Mutex          // serialises stamping and writing
	wbuf     []byte              // encode buffer, under wmu
	ackFirst sync.Mutex          // held from a frame's delivery to its ACK: the writer's frames wait behind it
	rx       receiver            // read-loop state, Run's goroutine only
	done     chan wire.NakReason // Processed signals, with Config.AckWhenProcessed
	failing  bool                // open is failing: log only the first failure
	refusing bool                // last received frame was refused: log only the first
	obs      Observer            // set before Run; see Observe
}

// receiver is the scratch state of the read loop.
type receiver struct {
	dec     *frame.Decoder
	replies []frame.Frame
	fresh   []frame.Frame
	items   []item
	readAt  time.Time // when the chunk being answered was read // every result of a chunk in order, with AckWhenProcessed
	emit    func(frame.Result)
}

// item is one decoded result: the reply owed and, for a new valid frame,
// the frame to deliver before that reply is written.
type item struct {
	reply   frame.Frame
	deliver bool
	frame   frame.Frame
	raw     []byte // a copy of the delivered frame's bytes, to forget it if the consumer refuses it
}

// New returns a Port for cfg, with zero fields of cfg set to defaults. The
// device is not touched until Run.
func New(cfg Config, log zerolog.Logger) *Port {
	p := &Port{
		cfg:   cfg.withDefaults(),
		log:   log.With().Str("component", "serialport").Str("port", cfg.Path).Logger(),
		link:  link.New(),
		queue: make(chan frame.Frame, QueueLen),
		wbuf:  make([]byte, 0, 4*frame.MaxLen),
		done:  make(chan wire.NakReason, 1),
		obs:   nopObserver{},
	}
	p.rx.emit = p.onResult
	return p
}

// Processed tells the port that the consumer has finished with the last
// frame it received from out (for the agent: the decision is made and any
// alert is fsync'd in the outbox). With Config.AckWhenProcessed the answer
// is written only then, so an ACK means nothing can be lost: an ACK when
// nak is "", else a NAK with that reason (the agent could not act on the
// frame: NO_SESSION), and the frame is not remembered as a duplicate.
// Safe to call from any goroutine; extra calls are ignored.
func (p *Port) Processed(nak wire.NakReason) {
	select {
	case p.done <- nak:
	default:
	}
}

// Connected reports whether the device is open now.
func (p *Port) Connected() bool { return p.up.Load() }

// Send queues an outbound frame (HB, HOLD, RELEASE, SCREEN); it never
// blocks. Its seq is stamped when it is written. While the device is
// closed, or when QueueLen frames are already waiting, the frame is
// dropped and counted: these frames are advisory, and the caller re-sends
// its state when the link is back (see OnState).
func (p *Port) Send(f frame.Frame) {
	if !p.up.Load() {
		p.dropped.Add(1)
		return
	}
	select {
	case p.queue <- f:
	default:
		p.dropped.Add(1)
	}
}

// Run opens the device and serves it until ctx ends, then returns nil.
// Valid new frames of known TYPE go to out, after their ACK is written;
// the send to out blocks, and while it does the next frames wait. A device
// that cannot be opened, or that fails, is closed and reopened with
// backoff. Run returns an error only for an invalid Config. Call it once.
func (p *Port) Run(ctx context.Context, out chan<- frame.Frame) error {
	if err := p.cfg.Validate(); err != nil {
		return err
	}
	delay := p.cfg.MinBackoff
	for {
		got, err := p.serveOnce(ctx, out)
		if ctx.Err() != nil {
			p.logDropped()
			return nil
		}
		if got {
			delay = p.cfg.MinBackoff
		}
		p.log.Debug().Err(err).Dur("retry_in", delay).Msg("serial device retry")
		if !ctxtime.Sleep(ctx, delay) {
			p.logDropped()
			return nil
		}
		delay = min(2*delay, p.cfg.MaxBackoff)
	}
}

// serveOnce opens the device and serves it until it fails or ctx ends; got
// reports whether any byte arrived, which resets the backoff.
func (p *Port) serveOnce(ctx context.Context, out chan<- frame.Frame) (got bool, err error) {
	sp, err := serial.Open(p.cfg.Path, p.cfg.mode())
	if err != nil {
		err = fmt.Errorf("serialport: open %q: %w", p.cfg.Path, err)
		if !p.failing {
			p.log.Warn().Err(err).Msg("serial device unavailable")
		}
		p.failing = true
		return false, err
	}
	p.failing = false
	defer sp.Close()
	if err := sp.SetReadTimeout(readTimeout); err != nil {
		return false, fmt.Errorf("serialport: set read timeout %q: %w", p.cfg.Path, err)
	}
	p.setState(true)
	got, err = p.serve(ctx, sp, out)
	p.setState(false)
	if ctx.Err() != nil {
		p.log.Info().Msg("serial device closed")
		return got, nil
	}
	p.log.Warn().Err(err).Msg("serial device lost")
	p.failing = true // the reopen failures that follow are the same outage
	return got, err
}

// serve runs the writer beside the read loop until either fails or ctx
// ends. The writer is waited for before the device is closed, so no write
// can reach a file descriptor number the kernel has handed out again. On
// Windows the device is closed here, once the writer has stopped, to end
// a read that would otherwise wait for a byte (read_windows.go).
func (p *Port) serve(ctx context.Context, sp serial.Port, out chan<- frame.Frame) (bool, error) {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var werr error
	var wg sync.WaitGroup
	wg.Go(func() {
		werr = p.writeLoop(sctx, sp)
		cancel()
	})
	var closer sync.WaitGroup
	if closeToUnblockRead {
		closer.Go(func() {
			<-sctx.Done()
			wg.Wait() // the writer first: no write after the close
			sp.Close()
		})
	}
	got, rerr := p.readLoop(sctx, sp, out)
	cancel()
	wg.Wait()
	closer.Wait()
	if rerr == nil || (closeToUnblockRead && werr != nil) {
		rerr = werr // on Windows the read failed because the writer's failure closed the port
	}
	return got, rerr
}

// setState records the device state, drops what was queued for the
// previous connection and tells OnState; a new connection gets a fresh
// decoder, so a frame cut by the outage is not glued to the next one.
func (p *Port) setState(open bool) {
	p.drain()
	p.up.Store(open)
	if open {
		p.rx.dec = frame.NewDecoder()
		p.refusing = false
		p.log.Info().Msg("serial device open")
		p.obs.Opened()
	}
	p.logDropped()
	if p.cfg.OnState != nil {
		p.cfg.OnState(open)
	}
}

// drain empties the outbound queue, counting the frames as dropped.
func (p *Port) drain() {
	for {
		select {
		case <-p.queue:
			p.dropped.Add(1)
		default:
			return
		}
	}
}

// logDropped logs how many outbound frames were dropped since last time.
func (p *Port) logDropped() {
	if n := p.dropped.Swap(0); n > 0 {
		p.log.Warn().Uint64("frames", n).Msg("outbound frames dropped")
	}
}
