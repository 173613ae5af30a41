package serialport

import (
	"time"

	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/wire"
)

// Observer is told what happens on the link, so an operator can see it
// (drivers/metrics implements it for Prometheus). Its methods are called
// from Run's goroutines; they must be safe for concurrent use, quick, and
// never block. The port works the same with or without one.
type Observer interface {
	// Received is a valid new frame of a known TYPE.
	Received(t wire.FrameType)
	// Refused is a NAK written, with its reason.
	Refused(reason wire.NakReason)
	// Sent is n frames written in one go (replies, HB, HOLD, RELEASE, SCREEN).
	Sent(n int)
	// Answered is an ACK written d after its frame's bytes were read.
	Answered(d time.Duration)
	// Opened is the device opened: once at start, then once per reopen.
	Opened()
}

// Observe sets the Observer. Call it before Run; nil restores the default,
// which ignores everything.
func (p *Port) Observe(o Observer) {
	if o == nil {
		o = nopObserver{}
	}
	p.obs = o
}

type nopObserver struct{}

func (nopObserver) Received(wire.FrameType) {}
func (nopObserver) Refused(wire.NakReason)  {}
func (nopObserver) Sent(int)                {}
func (nopObserver) Answered(time.Duration)  {}
func (nopObserver) Opened()                 {}

// observeWrite tells the Observer about frames just written; for ACKs, how
// long after their chunk was read. Only the read loop writes ACKs, so
// p.rx.readAt belongs to the calling goroutine whenever an ACK is here.
func (p *Port) observeWrite(fs []frame.Frame) {
	p.obs.Sent(len(fs))
	for _, f := range fs {
		if f.Type == wire.Ack {
			p.obs.Answered(time.Since(p.rx.readAt))
		}
	}
}
