package main

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/internal/mosquittotest"
)

// TestFleetTerminalSpeaksLikeTheAgent runs two simulated terminals against
// a real mosquitto and watches the wire as a console would: each terminal's
// retained status is online, link up, with its own boot id (the one its
// Last Will carries, mqttlink's tests show the Will itself), and an alert
// raised arrives at QoS 1 with its session record and leaves the outbox.
func TestFleetTerminalSpeaksLikeTheAgent(t *testing.T) {
	b := mosquittotest.Start(t)
	msgs := make(chan mqtt.Message, 100)
	watch := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(b.URL()).SetClientID("watch"))
	if tok := watch.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("watch connect: %v", tok.Error())
	}
	defer watch.Disconnect(0)
	if tok := watch.Subscribe(wire.Prefix+"/#", 1, func(_ mqtt.Client, m mqtt.Message) { msgs <- m }); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	var dispatches atomic.Int64
	dir := t.TempDir()
	var terms []*fleetTerminal
	for _, id := range []string{"T00001", "T00002"} {
		ft, err := startTerminal(ctx, &wg, dir, b.URL(), "FLEET-S0000", id, 2*time.Second, &dispatches)
		if err != nil {
			t.Fatal(err)
		}
		terms = append(terms, ft)
	}
	online := map[string]string{} // terminal → boot
	alertID, recordID, err := terms[0].raise(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var gotAlert, gotRecord bool
	deadline := time.After(10 * time.Second)
	for len(online) < 2 || !gotAlert || !gotRecord {
		select {
		case m := <-msgs:
			site, term, suffix, ok := wire.SplitTerminalTopic(m.Topic())
			if !ok || site != "FLEET-S0000" {
				t.Fatalf("message on unexpected topic %q", m.Topic())
			}
			switch suffix {
			case wire.TopicStatus:
				var s envelope.Status
				if err := json.Unmarshal(m.Payload(), &s); err != nil || s.State != "online" || s.Boot == "" || s.Link != "up" {
					t.Fatalf("status %s: %s (err %v)", term, m.Payload(), err)
				}
				online[term] = s.Boot
			case wire.TopicAlert:
				var a envelope.Alert
				_ = json.Unmarshal(m.Payload(), &a)
				gotAlert = a.AlertID == alertID && a.Terminal == "T00001" && m.Qos() == 1
			case wire.TopicSession:
				var r envelope.SessionRecord
				_ = json.Unmarshal(m.Payload(), &r)
				gotRecord = r.ID == recordID && r.AlertID == alertID && m.Qos() == 1
			}
		case <-deadline:
			t.Fatalf("after 10 s: online %v, alert %v, session record %v", online, gotAlert, gotRecord)
		}
	}
	if online["T00001"] == online["T00002"] {
		t.Fatalf("both terminals have boot %q, want one each", online["T00001"])
	}
	if online["T00001"] != terms[0].link.Boot() {
		t.Fatalf("status boot %q, want the link's %q", online["T00001"], terms[0].link.Boot())
	}
	for terms[0].ob.Depth() > 0 { // delivered means PUBACKed: the outbox empties
		select {
		case <-deadline:
			t.Fatalf("outbox still holds %d after delivery", terms[0].ob.Depth())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
