package serialport

import (
	"context"
	"fmt"
	"io"
	"time"

	"go.bug.st/serial"

	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/link"
	"github.com/transferguard/transferguard/agent/wire"
)

// readLoop reads until an error or ctx ends. Each chunk is decoded, every
// frame in it is answered in one write, then the new frames are delivered.
// got reports whether any byte arrived.
func (p *Port) readLoop(ctx context.Context, sp serial.Port, out chan<- frame.Frame) (got bool, err error) {
	buf := make([]byte, readSize)
	for ctx.Err() == nil {
		n, err := sp.Read(buf)
		if err != nil {
			return got, fmt.Errorf("serialport: read %q: %w", p.cfg.Path, err)
		}
		if n == 0 {
			continue // read timeout
		}
		got = true
		p.rx.readAt = time.Now()
		p.rx.replies, p.rx.fresh, p.rx.items = p.rx.replies[:0], p.rx.fresh[:0], p.rx.items[:0]
		p.rx.dec.Feed(buf[:n], p.rx.emit)
		if p.cfg.AckWhenProcessed > 0 {
			if err := p.deliverThenAck(ctx, sp, out); err != nil || ctx.Err() != nil {
				return got, err
			}
			continue
		}
		if err := p.write(sp, p.rx.replies); err != nil {
			return got, err
		}
		for _, f := range p.rx.fresh {
			select {
			case out <- f:
			case <-ctx.Done():
				return got, nil
			}
		}
	}
	return got, nil
}

// deliverThenAck answers a chunk's frames in order, holding each valid
// frame's ACK until the consumer has processed it (Config.AckWhenProcessed).
// Replies that need no processing (NAKs, repeated ACKs) are batched.
func (p *Port) deliverThenAck(ctx context.Context, sp serial.Port, out chan<- frame.Frame) error {
	pending := p.rx.replies[:0]
	for _, it := range p.rx.items {
		if it.deliver {
			if err := p.write(sp, pending); err != nil {
				return err
			}
			pending = pending[:0]
			if ok, err := p.deliverOne(ctx, sp, out, it); !ok || err != nil {
				return err
			}
			continue
		}
		if it.reply.Type != "" {
			pending = append(pending, it.reply)
		}
	}
	return p.write(sp, pending)
}

// deliverOne hands one frame to the consumer and writes its ACK once it is
// processed. Until then the writer is held (ackFirst), so a HOLD, SCREEN or
// RELEASE the core sends while acting on the frame reaches the line after
// that frame's ACK, never before it. ok is false when the frame is not to
// be acknowledged (shutting down).
func (p *Port) deliverOne(ctx context.Context, sp serial.Port, out chan<- frame.Frame, it item) (ok bool, err error) {
	p.ackFirst.Lock()
	defer p.ackFirst.Unlock()
	select {
	case <-p.done: // a late signal for an earlier frame
	default:
	}
	select {
	case out <- it.frame:
	case <-ctx.Done():
		return false, nil // never taken: no ACK, the controller sends it again
	}
	ok, nak := p.awaitProcessed(ctx, it.frame.Type)
	if !ok {
		return false, nil // shutting down before the core acted on it: no ACK
	}
	reply := [1]frame.Frame{it.reply}
	if nak != "" {
		reply[0] = link.Nak(int(it.frame.Seq), nak)
		p.link.Refused(it.raw)
		p.obs.Refused(nak)
	}
	return true, p.write(sp, reply[:])
}

// awaitProcessed waits until the consumer reports the frame done, or
// Config.AckWhenProcessed at most, and says whether the answer may go and
// the consumer's refusal, if any (a late frame is acknowledged). It
// does not stop at ctx's end: the agent stops the serial link before the
// core, so the core still finishes the frame it took. A frame still not
// done when the bound passes during shutdown is not acknowledged; outside
// shutdown it is, with a warning, because the contract's 50 ms answer wins
// (the consumer has taken the frame and acts on it before it stops).
func (p *Port) awaitProcessed(ctx context.Context, typ wire.FrameType) (ok bool, nak wire.NakReason) {
	t := time.NewTimer(p.cfg.AckWhenProcessed)
	defer t.Stop()
	select {
	case nak := <-p.done:
		return true, nak
	case <-t.C:
	}
	if ctx.Err() != nil {
		return false, ""
	}
	p.log.Warn().Str("type", string(typ)).Dur("waited", p.cfg.AckWhenProcessed).Msg("frame not processed in time; acknowledged anyway")
	return true, ""
}

// onResult is the decoder callback: it collects the link's reply and, for
// a new valid frame, the frame to deliver.
func (p *Port) onResult(r frame.Result) {
	reply, deliver := p.link.Receive(r)
	if reply.Type != "" {
		p.rx.replies = append(p.rx.replies, reply)
	}
	if reply.Type == wire.Nak {
		p.obs.Refused(wire.NakReason(reply.Value("reason")))
	}
	if deliver {
		p.rx.fresh = append(p.rx.fresh, r.Frame)
		p.obs.Received(r.Frame.Type)
	}
	if p.cfg.AckWhenProcessed > 0 {
		it := item{reply: reply, deliver: deliver, frame: r.Frame}
		if deliver {
			it.raw = append([]byte(nil), r.Raw...)
		}
		p.rx.items = append(p.rx.items, it)
	}
	p.logRefusal(r, reply)
}

// logRefusal logs the first refused frame after accepted ones, and the
// return to accepted frames, rather than every frame of a noisy line.
// Only the reason, seq and TYPE are logged: values may hold a card number.
func (p *Port) logRefusal(r frame.Result, reply frame.Frame) {
	refused := reply.Type == wire.Nak
	switch {
	case refused && !p.refusing:
		p.log.Warn().Str("reason", reply.Value("reason")).Str("ref", reply.Value("ref")).
			Str("type", string(r.Frame.Type)).Msg("refusing serial frames")
	case !refused && p.refusing:
		p.log.Info().Interface("decoder", p.rx.dec.Stats()).Msg("accepting serial frames again")
	}
	p.refusing = refused
}

// writeLoop writes queued frames until ctx ends or a write fails.
func (p *Port) writeLoop(ctx context.Context, sp serial.Port) error {
	var batch []frame.Frame
	for {
		select {
		case <-ctx.Done():
			return nil
		case f := <-p.queue:
			batch = append(batch[:0], f)
			batch = p.takeQueued(batch)
			p.ackFirst.Lock() // behind the ACK of the frame being processed, if any
			err := p.write(sp, batch)
			p.ackFirst.Unlock()
			if err != nil {
				return err
			}
		}
	}
}

// takeQueued appends whatever else is queued, so a burst goes in one write.
func (p *Port) takeQueued(batch []frame.Frame) []frame.Frame {
	for len(batch) < QueueLen {
		select {
		case f := <-p.queue:
			batch = append(batch, f)
		default:
			return batch
		}
	}
	return batch
}

// write stamps and encodes fs and writes them in one go. Stamping under
// the write lock keeps seqs in order on the wire. A frame that cannot be
// encoded is a caller's bug: it is logged and skipped.
func (p *Port) write(sp serial.Port, fs []frame.Frame) error {
	if len(fs) == 0 {
		return nil
	}
	p.wmu.Lock()
	defer p.wmu.Unlock()
	buf := p.wbuf[:0]
	for _, f := range fs {
		var err error
		if buf, err = frame.AppendEncode(buf, p.link.Stamp(f)); err != nil {
			p.log.Error().Err(err).Str("type", string(f.Type)).Msg("outbound frame not encodable")
		}
	}
	p.wbuf = buf
	for len(buf) > 0 {
		n, err := sp.Write(buf)
		if err == nil && n == 0 {
			err = io.ErrShortWrite
		}
		if err != nil {
			return fmt.Errorf("serialport: write %q: %w", p.cfg.Path, err)
		}
		buf = buf[n:]
	}
	p.observeWrite(fs)
	return nil
}
