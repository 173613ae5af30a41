package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/dispatch/notify"
	"github.com/transferguard/transferguard/internal/mosquittotest"
)

// BenchmarkAlertToWebhook measures an alert published at mosquitto to its
// "raised" webhook received, through the whole of tgdispatch as wired by
// start (ingest, service, SQLite outbox, worker, signed POST), one alert at
// a time, and reports p50/p99/max, with the floor (the same publish seen
// by a plain subscriber) measured in the same run.
//
//	go test -run '^$' -bench AlertToWebhook -benchtime 500x ./cmd/tgdispatch/
func BenchmarkAlertToWebhook(b *testing.B) {
	brk := mosquittotest.Start(b)
	got := make(chan string, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m notify.Message
		body, _ := io.ReadAll(r.Body)
		if json.Unmarshal(body, &m) == nil {
			got <- m.Incident.AlertID
		}
	}))
	defer srv.Close()
	b.Setenv("TG_BENCH_SECRET", "bench")
	cfg := defaultConfig()
	cfg.Channels = map[string]notify.ChannelConfig{"hook": {Kind: notify.KindWebhook, URL: srv.URL, SecretEnv: "TG_BENCH_SECRET"}}
	cfg.Escalation.Rungs[0].Channels = []string{"hook"}
	f, err := parseServe([]string{"--broker", brk.URL(), "--db", "sqlite:" + b.TempDir() + "/d.db", "--listen", "127.0.0.1:0",
		"--group", "bench", "--client-id", "tgdispatch-bench"})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- start(ctx, f, cfg, time.UTC, zerolog.Nop()) }()
	defer func() { cancel(); <-done }()
	ag := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(brk.URL()).SetClientID("agent-bench"))
	if tok := ag.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		b.Fatalf("connect: %v", tok.Error())
	}
	defer ag.Disconnect(100)
	topic := wire.TerminalTopic("S1", "T1", wire.TopicAlert)
	// The floor, measured in the same run: the same publish seen by a
	// plain subscriber.
	floorGot := make(chan time.Time, 64)
	sub := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(brk.URL()).SetClientID("floor-bench"))
	if tok := sub.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		b.Fatalf("connect: %v", tok.Error())
	}
	defer sub.Disconnect(100)
	if tok := sub.Subscribe(topic, 1, func(mqtt.Client, mqtt.Message) { floorGot <- time.Now() }); !tok.WaitTimeout(5 * time.Second) {
		b.Fatal("subscribe timed out")
	}
	publish := func(id string) {
		payload := fmt.Sprintf(`{"v":1,"id":"m-%s","type":"alert","alert_id":"%s","ts":"2026-11-26T10:00:00Z","site":"S1","terminal":"T1","kind":"risk","level":"high","score":85,"reasons":[{"rule":"r","text":"t"}],"held":true}`, id, id)
		ag.Publish(topic, 1, false, payload)
	}
	// Warm up: tgdispatch subscribes once it is connected.
	for k := 0; len(got) == 0; k++ {
		if k == 50 {
			b.Fatal("no alert reached the webhook in 10 s")
		}
		publish(fmt.Sprintf("W%d", k))
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	for len(got) > 0 {
		<-got
	}
	for len(floorGot) > 0 {
		<-floorGot
	}
	var floor []time.Duration
	send := func(k int) time.Duration {
		id := fmt.Sprintf("B%d", k)
		t0 := time.Now()
		publish(id)
		floor = append(floor, (<-floorGot).Sub(t0))
		for {
			select {
			case a := <-got:
				if a == id {
					return time.Since(t0)
				}
			case <-time.After(10 * time.Second):
				b.Fatalf("alert %s never reached the webhook", id)
			}
		}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for k := range b.N {
		lat = append(lat, send(k))
	}
	b.StopTimer()
	q := func(d []time.Duration, p float64) float64 {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(q(lat, 0.5), "p50-ms")
	b.ReportMetric(q(lat, 0.99), "p99-ms")
	b.ReportMetric(q(lat, 1), "max-ms")
	b.ReportMetric(q(floor, 0.5), "floor-p50-ms")
	b.ReportMetric(q(floor, 0.99), "floor-p99-ms")
}
