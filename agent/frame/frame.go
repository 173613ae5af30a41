// Package frame is the serial-link codec of CONTRACT §2: pure code over
// bytes, apart from any port, so the same encoder and decoder serve the
// agent, the simulator and the fuzzer.
package frame

import "github.com/transferguard/transferguard/agent/wire"

// Field is one key=value pair of a frame, kept in wire order so that a
// re-encoded frame is byte-identical to the one received.
type Field struct {
	Key   string
	Value string
}

// Frame is one decoded line of the link: `$TG1,<seq>,<TYPE>[,k=v]...*CRC`.
// Values are held unescaped. A Frame may carry a whole card or account
// number: it must never be logged or stored as it is.
type Frame struct {
	Seq    uint16
	Type   wire.FrameType
	Fields []Field
}

// Get returns the value of the first field named key.
func (f Frame) Get(key string) (string, bool) {
	for _, kv := range f.Fields {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return "", false
}

// Value returns the value of key, or "" when the frame has no such field.
func (f Frame) Value(key string) string {
	v, _ := f.Get(key)
	return v
}

// New builds a frame of type typ from alternating key, value strings; it is
// the short way the agent and the simulator write outbound frames.
func New(typ wire.FrameType, kv ...string) Frame {
	f := Frame{Type: typ}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Fields = append(f.Fields, Field{Key: kv[i], Value: kv[i+1]})
	}
	return f
}
