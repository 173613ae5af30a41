//go:build load

package e2e

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/pgtest"
	"github.com/transferguard/transferguard/dispatch/store"
	"github.com/transferguard/transferguard/internal/mosquittotest"
)

// Load shape: terminals × seconds alerts, each terminal one per second;
// every dupEvery-th alert is published twice (at-least-once delivery).
const (
	terminals = 1000
	seconds   = 10
	dupEvery  = 10
)

// TestLoad sends 1,000 alerts per second from 1,000 simulated terminals
// (one MQTT connection each) for ten seconds through mosquitto into one
// tgdispatch, then checks that every alert became exactly one incident
// with exactly one step. TG_LOAD_DB=postgres runs it on PostgreSQL.
//
//	go test -tags load -run Load -v -timeout 5m ./test/e2e/
func TestLoad(t *testing.T) {
	broker := mosquittotest.Start(t)
	db := ""
	if os.Getenv("TG_LOAD_DB") == "postgres" {
		pg, err := pgtest.Start()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pg.Stop)
		db = pg.Database(t)
	}
	d := startDispatch(t, broker.URL(), db)
	clients := connectTerminals(t, broker.URL())
	start := time.Now()
	sent, dups := publishLoad(t, clients)
	t.Logf("published %d alerts (+%d duplicates) in %v", sent, dups, time.Since(start).Round(time.Millisecond))

	st, err := store.Open(context.Background(), d.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	list := waitIncidents(t, st, sent, 90*time.Second)
	first, last := list[0].Created, list[0].Created
	seen := map[string]bool{}
	for _, i := range list {
		if seen[i.AlertID] {
			t.Fatalf("alert %s became two incidents", i.AlertID)
		}
		seen[i.AlertID] = true
		first, last = minT(first, i.Created), maxT(last, i.Created)
	}
	for term := range terminals {
		for s := range seconds {
			if id := fmt.Sprintf("A-%d-%d", term, s); !seen[id] {
				t.Fatalf("alert %s was lost", id)
			}
		}
	}
	steps, err := st.StepsOf(context.Background(), time.Time{}, time.Now().Add(time.Hour), nil)
	if err != nil || len(steps) != sent {
		t.Fatalf("steps %d (%v), want %d: a duplicate was handled twice", len(steps), err, sent)
	}
	t.Logf("%d incidents, none lost, none twice; stored between %v and %v: %.0f alerts/s sustained",
		len(list), first.Format("15:04:05.000"), last.Format("15:04:05.000"), float64(len(list))/last.Sub(first).Seconds())
}

// connectTerminals opens one MQTT connection per simulated terminal.
func connectTerminals(t *testing.T, broker string) []mqtt.Client {
	t.Helper()
	clients := make([]mqtt.Client, terminals)
	var wg sync.WaitGroup
	var failed atomic.Int64
	sem := make(chan struct{}, 50)
	for k := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(broker).SetClientID(fmt.Sprintf("load-T%d", k)).
				SetAutoReconnect(false).SetWriteTimeout(10 * time.Second))
			if tok := c.Connect(); !tok.WaitTimeout(20*time.Second) || tok.Error() != nil {
				failed.Add(1)
				return
			}
			clients[k] = c
		}()
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		t.Fatalf("%d terminals could not connect", n)
	}
	t.Cleanup(func() {
		for _, c := range clients {
			c.Disconnect(0)
		}
	})
	return clients
}

// publishLoad has every terminal publish one alert a second, spread over
// the second, and waits for every PUBACK.
func publishLoad(t *testing.T, clients []mqtt.Client) (sent, dups int) {
	t.Helper()
	var wg sync.WaitGroup
	var errs, dupCount atomic.Int64
	start := time.Now().Add(100 * time.Millisecond)
	for k, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			topic := fmt.Sprintf("tg/v1/L%d/T%d/alert", k%10, k)
			for s := range seconds {
				time.Sleep(time.Until(start.Add(time.Duration(s)*time.Second + time.Duration(k)*time.Millisecond)))
				id := fmt.Sprintf("A-%d-%d", k, s)
				body := alertJSON("m-"+id, id, fmt.Sprintf("L%d", k%10), fmt.Sprintf("T%d", k), "medium")
				n := 1
				if (k*seconds+s)%dupEvery == 0 {
					n = 2
					dupCount.Add(1)
				}
				for range n {
					if tok := c.Publish(topic, 1, false, body); !tok.WaitTimeout(30*time.Second) || tok.Error() != nil {
						errs.Add(1)
					}
				}
			}
		}()
	}
	wg.Wait()
	if n := errs.Load(); n > 0 {
		t.Fatalf("%d publishes not acknowledged", n)
	}
	return terminals * seconds, int(dupCount.Load())
}

// waitIncidents polls until want incidents exist or the limit passes.
func waitIncidents(t *testing.T, st *store.Store, want int, limit time.Duration) []incident.Incident {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		list, err := st.IncidentsBetween(context.Background(), time.Time{}, time.Now().Add(time.Hour), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) >= want {
			return list
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d incidents after %v, want %d: alerts were lost", len(list), limit, want)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func minT(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxT(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
