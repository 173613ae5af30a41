package service

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/dispatch/feed"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/store"
)

// benchAlerts feeds b.N distinct alerts from 4 goroutines (as the ingest
// workers do) and reports alerts per second into the store.
func benchAlerts(b *testing.B, st *store.Store) {
	svc, err := New(Options{Store: st, Publisher: &recorder{}, Feed: &feed.Hub{}, Ladder: incident.DefaultLadder(),
		FollowWindow: 30 * time.Minute, Log: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	b.SetParallelism(2) // 2 × GOMAXPROCS(2) = 4 workers
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			k := n.Add(1)
			a := mkAlert(fmt.Sprintf("m%d", k), fmt.Sprintf("A%d", k), fmt.Sprintf("T%d", k%1000), "high")
			a.Customer.CardKey = fmt.Sprintf("ck%d", k)
			if err := svc.HandleAlert(context.Background(), a); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer() // teardown (closing the store, stopping PostgreSQL) is not the work
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "alerts/s")
}

// go test -run '^$' -bench HandleAlert ./dispatch/service/
func BenchmarkHandleAlertSQLite(b *testing.B) {
	st, err := store.Open(context.Background(), "sqlite:"+b.TempDir()+"/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	benchAlerts(b, st)
}
