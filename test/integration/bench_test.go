//go:build integration

package integration

import (
	"context"
	"io"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/transferguard/transferguard/internal/mosquittotest"
	"github.com/transferguard/transferguard/sim"
)

// BenchmarkFrameToAlert measures the whole path a guard depends on: a
// PANIC frame written on the pty → the agent decodes it, decides, fsyncs
// the alert into its outbox, ACKs, publishes over QoS 1 → a subscriber on
// a local mosquitto receives it. It reports p50/p99 of that latency and of
// frame → ACK.
//
//	go test -tags integration -run '^$' -bench FrameToAlert -benchtime 300x ./test/integration
func BenchmarkFrameToAlert(b *testing.B) {
	dir := b.TempDir()
	broker := mosquittotest.Start(b)
	sub := subscribe(b, broker.URL())
	link := filepath.Join(dir, "tty")
	pt, err := sim.OpenPTY(link)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	player := sim.New(ctx, pt, sim.Options{Out: io.Discard, Quiet: true, Heartbeat: time.Second})
	defer player.Close()
	a := startAgent(b, []string{"--serial", link, "--broker", broker.URL(), "--site", site, "--terminal", terminal,
		"--ui", "none", "--state-dir", filepath.Join(dir, "state"), "--log-level", "warn"}, filepath.Join(dir, "agent.log"))
	defer a.stop()
	if err := player.WaitAgent(ctx, 10*time.Second); err != nil {
		b.Fatal(err)
	}
	sub.await(10*time.Second, "status", hasStatus(map[string]string{"state": "online"}))
	if _, err := player.SendFrame(ctx, "START", "channel", "COUNTER", "age", "70"); err != nil {
		b.Fatal(err)
	}
	toAlert := make([]time.Duration, 0, b.N)
	toAck := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := len(onTopic(sub.all(), "alert"))
		t0 := time.Now()
		if _, err := player.SendFrame(ctx, "PANIC"); err != nil {
			b.Fatal(err)
		}
		toAck = append(toAck, time.Since(t0))
		sub.await(5*time.Second, "panic alert", func(m []message) bool { return len(onTopic(m, "alert")) > n })
		toAlert = append(toAlert, time.Since(t0))
	}
	b.StopTimer()
	pct := func(d []time.Duration, q float64) float64 {
		s := slices.Clone(d)
		slices.Sort(s)
		return float64(s[min(len(s)-1, int(q*float64(len(s))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(toAlert, 0.50), "alert-p50-ms")
	b.ReportMetric(pct(toAlert, 0.99), "alert-p99-ms")
	b.ReportMetric(pct(toAck, 0.50), "ack-p50-ms")
	b.ReportMetric(pct(toAck, 0.99), "ack-p99-ms")
}
