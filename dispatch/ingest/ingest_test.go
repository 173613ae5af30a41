package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/ingest"
	"github.com/transferguard/transferguard/dispatch/service"
	"github.com/transferguard/transferguard/dispatch/store"
	"github.com/transferguard/transferguard/internal/mosquittotest"
)

// instance is one tgdispatch (store + service + ingest) on a broker.
type instance struct {
	st  *store.Store
	svc *service.Service
}

func startInstance(t *testing.T, broker, dsn, name string) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := ingest.New(ingest.Config{Broker: broker, Group: "g", ClientID: name + "-" + t.Name()}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	svc, err := service.New(service.Options{Store: st, Publisher: cl, Ladder: incident.DefaultLadder(), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cl.Run(ctx, svc) }()
	t.Cleanup(func() { cancel(); <-done; _ = st.Close() })
	return &instance{st: st, svc: svc}
}

// agent is a paho client standing in for a terminal agent.
func agent(t *testing.T, broker string) mqtt.Client {
	t.Helper()
	c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(broker).SetClientID("agent-" + t.Name()))
	if tok := c.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("agent connect: %v", tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(100) })
	return c
}

func publish(t *testing.T, c mqtt.Client, topic string, v any) {
	t.Helper()
	b, _ := json.Marshal(v)
	if tok := c.Publish(topic, 1, false, b); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("publish: %v", tok.Error())
	}
}

func alert(id, alertID string) envelope.Alert {
	return envelope.Alert{V: 1, ID: id, Type: "alert", AlertID: alertID, TS: envelope.Time(time.Now()), Site: "S1", Terminal: "T1",
		Kind: "risk", Level: "high", Score: 90, Held: true, Reasons: []envelope.Reason{{Rule: "r", Text: "t"}}}
}

// waitOpen polls the store until n incidents are open.
func waitOpen(t *testing.T, st *store.Store, n int) []incident.Incident {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		list, err := st.OpenIncidents(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == n || time.Now().After(deadline) {
			if len(list) != n {
				t.Fatalf("open incidents %d, want %d", len(list), n)
			}
			return list
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestAlertInClaimOut(t *testing.T) {
	b := mosquittotest.Start(t)
	in := startInstance(t, b.URL(), "sqlite:"+filepath.Join(t.TempDir(), "d.db"), "one")
	ag := agent(t, b.URL())
	got := make(chan envelope.Dispatch, 4)
	if tok := ag.Subscribe("tg/v1/S1/T1/dispatch", 1, func(_ mqtt.Client, m mqtt.Message) {
		var d envelope.Dispatch
		_ = json.Unmarshal(m.Payload(), &d)
		got <- d
	}); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatal("agent subscribe failed")
	}
	time.Sleep(200 * time.Millisecond) // the instance subscribes after connecting
	for range 3 {
		publish(t, ag, "tg/v1/S1/T1/alert", alert("m1", "A1"))
	}
	publish(t, ag, "tg/v1/S1/T1/status", envelope.Status{State: "online", Boot: "b1", Link: "up", UI: "up", TS: time.Now()})
	list := waitOpen(t, in.st, 1)
	if list[0].AlertID != "A1" {
		t.Fatalf("incident %+v", list[0])
	}
	if _, err := in.svc.Claim(context.Background(), list[0].ID, "guard1", 45); err != nil {
		t.Fatal(err)
	}
	select {
	case d := <-got:
		if d.AlertID != "A1" || d.State != "claimed" || d.Guard != "guard1" || d.ETAS != 45 {
			t.Fatalf("dispatch %+v", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no dispatch message on tg/v1/S1/T1/dispatch")
	}
	time.Sleep(200 * time.Millisecond)
	if term, err := in.st.Terminal(context.Background(), "S1", "T1"); err != nil || term.State != "online" {
		t.Fatalf("terminal status not recorded: %+v %v", term, err)
	}
	waitOpen(t, in.st, 1) // duplicates made no second incident
}

// TestTwoInstancesSplitTheLoad runs two instances of one group on one
// shared store and checks every alert, sent twice, became one incident.
func TestTwoInstancesSplitTheLoad(t *testing.T) {
	b := mosquittotest.Start(t)
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "shared.db")
	one := startInstance(t, b.URL(), dsn, "one")
	startInstance(t, b.URL(), dsn, "two")
	ag := agent(t, b.URL())
	time.Sleep(300 * time.Millisecond)
	const n = 40
	for k := range n {
		a := alert(fmt.Sprintf("m%d", k), fmt.Sprintf("A%d", k))
		publish(t, ag, "tg/v1/S1/T1/alert", a)
		publish(t, ag, "tg/v1/S1/T1/alert", a) // at-least-once: a duplicate
	}
	waitOpen(t, one.st, n)
}
