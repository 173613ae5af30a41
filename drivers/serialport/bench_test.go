package serialport

import (
	"testing"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/frame"
)

// BenchmarkSend measures Send, which the core calls from its own goroutine
// and which must never block.
func BenchmarkSend(b *testing.B) {
	port := New(Config{Path: "/nonexistent"}, zerolog.Nop())
	port.up.Store(true)
	hb := frame.New("HB", "up", "5")
	b.ReportAllocs()
	for b.Loop() {
		port.Send(hb)
		select {
		case <-port.queue:
		default:
		}
	}
}
