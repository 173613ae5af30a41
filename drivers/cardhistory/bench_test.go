package cardhistory

import (
	"encoding/binary"
	"encoding/hex"
	"runtime"
	"syscall"
	"testing"
	"time"
)

const benchCards = DefaultMaxCards

// keys returns n distinct card keys as the core makes them (hex HMAC).
func keys(n int) []string {
	out := make([]string, n)
	var b [32]byte
	for i := range out {
		binary.LittleEndian.PutUint64(b[:], uint64(i)*0x9e3779b97f4a7c15)
		binary.LittleEndian.PutUint64(b[8:], uint64(i))
		out[i] = hex.EncodeToString(b[:])
	}
	return out
}

// fill adds 100,000 cards, one attempt each, over the last 20 hours.
func fill(s *Store, ks []string) {
	for i, k := range ks {
		s.Add(k, 490000, t0.Add(time.Duration(i)*20*time.Hour/time.Duration(len(ks))))
	}
}

// BenchmarkGet is one card_24h lookup at START in a full store.
func BenchmarkGet(b *testing.B) {
	s := Open("", Options{}, nopLog)
	ks := keys(benchCards)
	fill(s, ks)
	now := t0.Add(21 * time.Hour)
	b.ReportAllocs()
	i := 0
	cpu := cpuTime()
	for b.Loop() {
		s.Get(ks[i%len(ks)], now)
		i++
	}
	reportCPU(b, cpu)
}

// cpuTime is the process's user+system CPU time: on a shared machine the
// wall-clock ns/op include the time spent waiting for a core, this not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, since time.Duration) {
	b.ReportMetric(float64((cpuTime()-since).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkMemory reports the heap a full store holds (after GC), the
// part of the agent's RSS it adds.
func BenchmarkMemory(b *testing.B) {
	ks := keys(benchCards)
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s := Open("", Options{}, nopLog)
		fill(s, ks)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MB/100k-cards")
		runtime.KeepAlive(s)
	}
}

// BenchmarkRestore is the start of an agent whose history holds 100,000
// cards: read and replay the log, open it for appending.
func BenchmarkRestore(b *testing.B) {
	dir := b.TempDir()
	now := func() time.Time { return t0.Add(21 * time.Hour) }
	s := Open(dir, Options{Now: now}, nopLog)
	fill(s, keys(benchCards))
	s.Close()
	cpu := cpuTime()
	for b.Loop() {
		r := Open(dir, Options{Now: now}, nopLog)
		if r.Len() != benchCards {
			b.Fatalf("restored %d cards", r.Len())
		}
		r.Close()
	}
	reportCPU(b, cpu)
}
