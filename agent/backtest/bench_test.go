package backtest_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/backtest"
)

// million is the number of records BenchmarkMillion replays.
var million = 1_000_000

// BenchmarkMillion replays 1,000,000 session records (real core records,
// repeated under new session ids) streamed from a file, under a lowered
// elderly threshold. docs/benchmarks.md has the numbers.
func BenchmarkMillion(b *testing.B) {
	recs, _ := month(b, 6000)
	lines := bytes.Split(bytes.TrimSpace(recs), []byte("\n"))
	path := filepath.Join(b.TempDir(), "million.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := range million {
		l := lines[i%len(lines)]
		at := bytes.Index(l, []byte(`"session":"`)) + len(`"session":"`)
		w.Write(l[:at])
		w.WriteString("r" + strconv.Itoa(i) + "-")
		w.Write(l[at:])
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	info, _ := os.Stat(path)
	c, err := backtest.Load(doc(`,"rules":{"elderly-large-transfer":{"when":"fn == \"TRANSFER\" && age >= 60 && currency == \"CNY\" && amount_minor >= 300000"}}`))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	peak := peakHeap(b)
	before := cpuTime()
	b.ResetTimer()
	for range b.N {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		rep, err := backtest.Run(f, c)
		f.Close()
		if err != nil || rep.Sessions != million {
			b.Fatalf("%v, %d sessions", err, rep.Sessions)
		}
	}
	b.ReportMetric((cpuTime()-before).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(peak())/1e6, "MB-peak-heap")
	b.ReportMetric(float64(maxRSS())/1e6, "MB-max-RSS")
	b.ReportMetric(float64(info.Size())/1e6, "MB-file")
}

// peakHeap samples the live heap (objects not yet freed) every
// millisecond until the benchmark ends; the returned func gives the
// highest sample. It reads runtime/metrics, which does not stop the world.
func peakHeap(b *testing.B) func() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	b.Cleanup(func() { close(stop); <-done })
	return func() uint64 { return peak.Load() }
}

// maxRSS is the process's peak resident set so far, setup included.
func maxRSS() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Maxrss << 10 // kilobytes on Linux
}

// cpuTime is the CPU time this process used so far (user + system): on
// a shared machine wall time says more about the neighbours.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
