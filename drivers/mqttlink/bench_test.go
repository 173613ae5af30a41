package mqttlink

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/internal/mosquittotest"
)

// BenchmarkDrain10k measures how fast a backlog of 10,000 queued alerts
// (an outage's worth) reaches a subscriber through mosquitto, checking the
// order on arrival. Queueing (one fsync each) is outside the timer.
//
//	go test -run XXX -bench Drain10k -benchtime 1x ./drivers/mqttlink
func BenchmarkDrain10k(b *testing.B) {
	const n = 10000
	mq := mosquittotest.Start(b)
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		ob := openOutbox(b, "")
		queue(b, ob, 0, n)
		sub := subscribe(b, mq.URL(), "tg/v1/S1/T1/alert")
		b.StartTimer()
		t0 := time.Now()
		r := start(b, testConfig(mq.URL()), ob, nil)
		next := 0
		for next < n {
			id := idOf(sub.next(b).Payload)
			if want := fmt.Sprintf("m%06d", next); id != want {
				b.Fatalf("order: got %s, want %s", id, want)
			}
			next++
		}
		total += time.Since(t0)
		b.StopTimer()
		r.stop(b)
		sub.client.Disconnect(0)
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "msgs/s")
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/drain")
}

// BenchmarkPublishToReceive measures one alert's way from the core's
// Publish (outbox commit with fsync) through the link and mosquitto to a
// subscriber, one at a time, and reports p50 and p99.
//
//	go test -run XXX -bench PublishToReceive -benchtime 2000x ./drivers/mqttlink
func BenchmarkPublishToReceive(b *testing.B) {
	mq := mosquittotest.Start(b)
	ob := openOutbox(b, "")
	sub := subscribe(b, mq.URL(), "tg/v1/S1/T1/alert")
	start(b, testConfig(mq.URL()), ob, nil)
	queue(b, ob, 0, 1) // wait for the link to be up
	sub.next(b)

	var lat []time.Duration
	for i := 1; b.Loop(); i++ {
		id := fmt.Sprintf("m%06d", i)
		m := envelope.Message{ID: id, Topic: wire.TopicAlert,
			Payload: fmt.Appendf(nil, `{"v":1,"id":%q,"type":"alert","level":"high"}`, id)}
		t0 := time.Now()
		if err := ob.Publish(m); err != nil {
			b.Fatal(err)
		}
		got := sub.next(b)
		lat = append(lat, got.At.Sub(t0))
		if idOf(got.Payload) != id {
			b.Fatalf("got %s, want %s", idOf(got.Payload), id)
		}
	}
	slices.Sort(lat)
	q := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}
