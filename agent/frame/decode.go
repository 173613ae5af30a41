package frame

import (
	"strconv"

	"github.com/transferguard/transferguard/agent/wire"
)

// Reasons the decoder refuses a frame with (the NAK reason= values of
// CONTRACT §2): a checksum that does not match; anything malformed (prefix,
// seq, TYPE, key, escape, CRC digits); more than MaxLen bytes from `$` to LF.
const (
	ReasonCRC     = wire.NakCRC
	ReasonSyntax  = wire.NakSyntax
	ReasonTooLong = wire.NakTooLong
)

// Error says why a frame was refused and, when its seq could still be read,
// which seq to name in the NAK.
type Error struct {
	Reason wire.NakReason
	Seq    int // -1 when the seq could not be parsed
}

// Error implements error without quoting frame content, which may hold a
// card number.
func (e *Error) Error() string {
	if e.Seq < 0 {
		return "frame: " + string(e.Reason)
	}
	return "frame: " + string(e.Reason) + " in seq " + strconv.Itoa(e.Seq)
}

// Result is one frame the Decoder recognised: either a Frame, or an Err
// saying why it was refused.
type Result struct {
	Frame Frame
	// Raw is the content between `$` and `*`, exclusive (the bytes the CRC
	// covers), for de-duplication. It aliases the Decoder's buffer and is
	// valid only until the emit callback returns; copy it to keep it.
	Raw []byte
	Err *Error
}

// Stats counts what a Decoder has seen, for diagnostics of a noisy line.
type Stats struct {
	Frames    uint64 // valid frames emitted
	Errors    uint64 // refused frames emitted
	Noise     uint64 // bytes skipped outside frames (before a `$`, after TOO_LONG)
	Truncated uint64 // partial frames dropped because a new `$` began
}

// decoder states.
const (
	stIdle    = iota // skipping noise until `$`
	stFrame          // collecting a frame's bytes after `$`
	stDiscard        // after TOO_LONG: skipping until `$` or LF
)

// maxBody is the longest run of bytes after `$` and before LF.
const maxBody = MaxLen - 2

// Decoder splits a byte stream into frames, as CONTRACT §2 describes:
// noise before `$` is skipped, a `$` inside a frame restarts, LF (with an
// optional CR before it) ends a frame. It is a value with no I/O; one
// Decoder serves one stream and is not safe for concurrent use.
type Decoder struct {
	buf   []byte
	state int
	stats Stats
}

// NewDecoder returns a Decoder waiting for the first `$`.
func NewDecoder() *Decoder {
	return &Decoder{buf: make([]byte, 0, MaxLen)}
}

// Stats returns the counters since NewDecoder.
func (d *Decoder) Stats() Stats { return d.stats }

// Feed consumes p, which may hold any part of any number of frames, and
// calls emit synchronously for each frame completed or refused. Feed keeps
// no reference to p.
func (d *Decoder) Feed(p []byte, emit func(Result)) {
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '$':
			if d.state == stFrame {
				d.stats.Truncated++
			}
			d.state, d.buf = stFrame, d.buf[:0]
		case d.state == stIdle:
			d.stats.Noise++
		case d.state == stDiscard:
			d.stats.Noise++
			if c == '\n' {
				d.state = stIdle
			}
		case c == '\n':
			d.state = stIdle
			d.finish(emit)
		case len(d.buf) == maxBody:
			d.state = stDiscard
			d.emitErr(emit, ReasonTooLong)
		default:
			d.buf = append(d.buf, c)
		}
	}
}

// finish decodes the collected line and emits its Result.
func (d *Decoder) finish(emit func(Result)) {
	line := d.buf
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	star := lastStar(line)
	if star < 0 || !crcDigits(line[star+1:]) {
		d.emitErr(emit, ReasonSyntax)
		return
	}
	content := line[:star]
	if CRC16(content) != parseHex16(line[star+1:]) {
		d.emitErr(emit, ReasonCRC)
		return
	}
	f, ok := parse(content)
	if !ok {
		d.emitErr(emit, ReasonSyntax)
		return
	}
	d.stats.Frames++
	emit(Result{Frame: f, Raw: content})
}

// emitErr emits a refusal for the current buffer, naming its seq if the
// prefix is readable.
func (d *Decoder) emitErr(emit func(Result), reason wire.NakReason) {
	d.stats.Errors++
	content := d.buf
	if star := lastStar(content); star >= 0 {
		content = content[:star]
	}
	emit(Result{Raw: content, Err: &Error{Reason: reason, Seq: peekSeq(d.buf)}})
}

// lastStar returns the index of the last `*` in b, or -1.
func lastStar(b []byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '*' {
			return i
		}
	}
	return -1
}

// crcDigits reports whether b is exactly four hex digits (either case).
func crcDigits(b []byte) bool {
	if len(b) != 4 {
		return false
	}
	for _, c := range b {
		if unhex(c) < 0 {
			return false
		}
	}
	return true
}

// parseHex16 reads four hex digits already checked by crcDigits.
func parseHex16(b []byte) uint16 {
	var v uint16
	for _, c := range b {
		v = v<<4 | uint16(unhex(c))
	}
	return v
}

// unhex returns the value of hex digit c, or -1.
func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'F':
		return int(c - 'A' + 10)
	case c >= 'a' && c <= 'f':
		return int(c - 'a' + 10)
	}
	return -1
}

// peekSeq returns the seq of a frame that starts `TG1,<seq>,`, or -1, so a
// refused frame can still be NAKed by number.
func peekSeq(b []byte) int {
	if len(b) < len(Prefix)+2 || string(b[:len(Prefix)]) != Prefix || b[len(Prefix)] != ',' {
		return -1
	}
	seq, n := parseSeq(b[len(Prefix)+1:])
	if n < 0 || len(b) == len(Prefix)+1+n || b[len(Prefix)+1+n] != ',' {
		return -1
	}
	return seq
}

// parseSeq reads 1..5 decimal digits at the start of b with a value of at
// most 65535; it returns the value and the digit count, or n = -1.
func parseSeq(b []byte) (seq, n int) {
	for n < len(b) && n < 6 && b[n] >= '0' && b[n] <= '9' {
		seq = seq*10 + int(b[n]-'0')
		n++
	}
	if n == 0 || n > 5 || seq > 0xFFFF {
		return 0, -1
	}
	return seq, n
}
