// Package link is the link layer of the serial protocol (CONTRACT §2) as
// pure logic with no I/O: it decides the ACK or NAK for every decoded
// frame, drops retransmissions, and numbers outbound frames. The serial
// port driver owns the bytes; this package owns the rules, so they are
// tested without a device.
package link

import (
	"bytes"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/wire"
)

// Window is how many recent valid frames are remembered to recognise a
// retransmission.
const Window = 16

// Link holds the state of one serial link: the recent frames for
// de-duplication and the outbound seq counter. Receive is meant for the
// single read loop; Stamp is safe for concurrent use by any goroutine.
type Link struct {
	mu     sync.Mutex
	recent [Window][]byte // Raw of recent delivered frames, ring
	next   int            // ring index of the next slot to overwrite
	seq    atomic.Uint32  // next outbound seq, low 16 bits used
}

// New returns a Link with an empty window whose first outbound seq is 0.
func New() *Link {
	l := &Link{}
	for i := range l.recent {
		l.recent[i] = make([]byte, 0, frame.MaxLen)
	}
	return l
}

// Receive decides the answer to one decoded frame. The reply is an ACK or
// NAK with Seq 0: pass it through Stamp when it is written. deliver is true
// only for a valid frame of a known TYPE that is not a retransmission of
// one of the last Window delivered frames (same seq, same bytes).
//
// A valid ACK or NAK from the controller gets no reply at all (reply.Type
// is ""): answering an answer would let two ends that both acknowledge
// everything bounce frames forever.
//
// A HELLO starts the link afresh: after it the window holds only that
// HELLO, so frames of a controller that rebooted and restarted its seq are
// not mistaken for retransmissions of the previous run.
func (l *Link) Receive(r frame.Result) (reply frame.Frame, deliver bool) {
	if r.Err != nil {
		return Nak(r.Err.Seq, r.Err.Reason), false
	}
	seq := int(r.Frame.Seq)
	if r.Frame.Type.IsReply() {
		return frame.Frame{}, false
	}
	if !r.Frame.Type.Inbound() {
		return Nak(seq, wire.NakUnknownType), false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	dup := l.seen(r.Raw)
	if r.Frame.Type == wire.Hello {
		l.forget()
	}
	if r.Frame.Type == wire.Hello {
		// A HELLO is always acted on (CONTRACT §14): a rebooted controller
		// sends the same bytes as its previous HELLO, and taking it for a
		// retransmission would keep the old session and its holds.
		l.remember(r.Raw)
		return Ack(seq), true
	}
	if !dup {
		l.remember(r.Raw)
	}
	return Ack(seq), !dup
}

// seen reports whether raw equals one of the remembered frames.
func (l *Link) seen(raw []byte) bool {
	for _, b := range l.recent {
		if len(b) > 0 && bytes.Equal(b, raw) {
			return true
		}
	}
	return false
}

// remember copies raw into the oldest slot of the window.
func (l *Link) remember(raw []byte) {
	l.recent[l.next] = append(l.recent[l.next][:0], raw...)
	l.next = (l.next + 1) % Window
}

// Refused takes a delivered frame out of the window because the agent
// refused it after all (NAK NO_SESSION, CONTRACT §14): refused frames are
// not remembered, so its retransmission is looked at again instead of
// being acknowledged as a duplicate.
func (l *Link) Refused(raw []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, b := range l.recent {
		if len(b) > 0 && bytes.Equal(b, raw) {
			l.recent[i] = b[:0]
		}
	}
}

// forget empties the window.
func (l *Link) forget() {
	for i := range l.recent {
		l.recent[i] = l.recent[i][:0]
	}
	l.next = 0
}

// Stamp returns f with the next outbound seq, 0..65535 then 0 again. Call
// it at the moment of writing so seqs appear in order on the wire.
func (l *Link) Stamp(f frame.Frame) frame.Frame {
	f.Seq = uint16(l.seq.Add(1) - 1)
	return f
}

// Ack returns the acknowledgement of frame seq.
func Ack(seq int) frame.Frame {
	return frame.New(wire.Ack, "ref", strconv.Itoa(seq))
}

// Nak returns the refusal of frame seq (ref empty when seq < 0) for reason.
func Nak(seq int, reason wire.NakReason) frame.Frame {
	ref := ""
	if seq >= 0 {
		ref = strconv.Itoa(seq)
	}
	return frame.New(wire.Nak, "ref", ref, "reason", string(reason))
}
