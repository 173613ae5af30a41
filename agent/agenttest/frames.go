package agenttest

import (
	"testing"

	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/wire"
)

// Wire is a controller frame as it travels on the serial line (with its
// sequence number and checksum), for tests that write to a link or a pty.
func Wire(t testing.TB, seq uint16, typ wire.FrameType, kv ...string) string {
	t.Helper()
	f := frame.New(typ, kv...)
	f.Seq = seq
	b, err := frame.Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
