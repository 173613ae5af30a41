package serialport

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/agenttest"
)

// BenchmarkFrameToAck measures, over a pty, the time from the controller
// writing a frame to it reading the ACK, and reports p50 and p99 in µs
// beside ns/op (CONTRACT §2 allows 50 ms).
func BenchmarkFrameToAck(b *testing.B) {
	p, a := connected(b)
	go func() {
		for range a.out { // a fast consumer, as the core should be
		}
	}()
	frames := make([]string, 256)
	for i := range frames {
		frames[i] = agenttest.Wire(b, uint16(i), "AMOUNT", "minor", strconv.Itoa(100000+i), "cur", "CNY")
	}
	lat := make([]time.Duration, 0, b.N)
	i := 0
	for b.Loop() {
		start := time.Now()
		p.write(b, frames[i%len(frames)])
		if f := p.expect(b); f.Type != "ACK" {
			b.Fatalf("got %s, want ACK", f.Type)
		}
		lat = append(lat, time.Since(start))
		i++
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
