package mqttlink

import (
	"fmt"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/internal/mosquittotest"
)

func TestStatusOnlineOfflineRetained(t *testing.T) {
	mq := mosquittotest.Start(t)
	r := start(t, testConfig(mq.URL()), openOutbox(t, ""), nil)
	sub := subscribe(t, mq.URL(), "tg/v1/S1/T1/status")

	st := sub.status(t, func(st envelope.Status, _ received) bool { return st.State == "online" })
	if st.Boot != "boot-1" || st.Agent != "test" || st.Link != "down" || st.UI != "off" || st.TS.IsZero() {
		t.Fatalf("online status: got %+v", st)
	}

	r.link.SetLink(true)
	r.link.SetUI("up")
	sub.status(t, func(st envelope.Status, _ received) bool {
		return st.State == "online" && st.Link == "up" && st.UI == "up"
	})

	r.stop(t)
	sub.status(t, func(st envelope.Status, _ received) bool {
		return st.State == "offline" && st.Boot == "boot-1"
	})
	// A console that connects later finds the offline status retained.
	late := subscribe(t, mq.URL(), "tg/v1/S1/T1/status")
	late.status(t, func(st envelope.Status, m received) bool {
		if !m.Retained || st.State != "offline" || st.Boot != "boot-1" {
			t.Fatalf("retained status: got %+v retained=%v", st, m.Retained)
		}
		return true
	})
}

func TestWillOnConnectionDrop(t *testing.T) {
	mq := mosquittotest.Start(t)
	g := &gate{}
	start(t, testConfig(mq.URL()), openOutbox(t, ""), func(l *Link) { l.open = g.open })
	sub := subscribe(t, mq.URL(), "tg/v1/S1/T1/status")
	sub.status(t, func(st envelope.Status, _ received) bool { return st.State == "online" })

	g.cut() // the TCP connection dies with no DISCONNECT: the broker sends the Will
	will := sub.status(t, func(st envelope.Status, _ received) bool { return st.State == "offline" })
	if will.Boot != "boot-1" || will.Agent != "test" {
		t.Fatalf("will: got %+v, want boot-1 of agent test", will)
	}
	// The link reconnects by itself and says so.
	sub.status(t, func(st envelope.Status, _ received) bool {
		return st.State == "online" && st.Boot == "boot-1"
	})
}

func TestOutageDeliversInOrder(t *testing.T) {
	mq := mosquittotest.Start(t)
	ob := openOutbox(t, "")
	g := &gate{}
	start(t, testConfig(mq.URL()), ob, func(l *Link) { l.open = g.open })
	sub := subscribe(t, mq.URL(), "tg/v1/S1/T1/alert")
	queue(t, ob, 0, 10)
	for i := range 10 {
		if got, want := idOf(sub.next(t).Payload), fmt.Sprintf("m%06d", i); got != want {
			t.Fatalf("before outage: got %s, want %s", got, want)
		}
	}
	// A subscriber can hear a message before its PUBACK has reached the
	// link and removed it: wait until the outbox is empty.
	for deadline := time.Now().Add(5 * time.Second); ob.Depth() != 0; {
		if time.Now().After(deadline) {
			t.Fatalf("delivered messages still queued: depth %d", ob.Depth())
		}
		time.Sleep(10 * time.Millisecond)
	}

	mq.Stop()
	queue(t, ob, 10, 300) // alerts raised while the broker is down
	time.Sleep(300 * time.Millisecond)
	if ob.Depth() != 300 {
		t.Fatalf("depth during outage: got %d, want 300", ob.Depth())
	}
	g.closed.Store(true) // hold the link off until the console is back
	mq.Restart()
	sub = subscribe(t, mq.URL(), "tg/v1/S1/T1/alert")
	g.closed.Store(false)

	seen := map[string]bool{}
	next := 10
	for next < 310 {
		id := idOf(sub.next(t).Payload)
		if seen[id] {
			continue // at least once: duplicates are allowed
		}
		seen[id] = true
		if want := fmt.Sprintf("m%06d", next); id != want {
			t.Fatalf("after outage: got %s, want %s", id, want)
		}
		next++
	}
	waitDepth(t, ob, 0)
}

func TestCrashReplaysUnacknowledged(t *testing.T) {
	mq := mosquittotest.Start(t)
	path := t.TempDir() + "/outbox.db"
	ob := openOutbox(t, path)
	queue(t, ob, 0, 1000)
	sub := subscribe(t, mq.URL(), "tg/v1/S1/T1/alert")

	g := &gate{}
	cfgA := testConfig(mq.URL())
	cfgA.Window = 1 // one message per round trip and fsync: the crash lands mid-backlog
	a := start(t, cfgA, ob, func(l *Link) { l.open = g.open })
	first := idOf(sub.next(t).Payload) // draining has begun: crash now
	g.closed.Store(true)
	g.cut()
	a.stop(t)
	left := ob.Depth()
	if left == 0 {
		t.Fatal("the crash came too late: nothing left to replay")
	}
	if err := ob.Close(); err != nil {
		t.Fatal(err)
	}

	ob2 := openOutbox(t, path)
	if ob2.Depth() != left {
		t.Fatalf("depth after reopen: got %d, want %d", ob2.Depth(), left)
	}
	cfg := testConfig(mq.URL())
	cfg.Boot = "boot-2"
	start(t, cfg, ob2, nil)

	seen := map[string]bool{first: true}
	last := 0
	for len(seen) < 1000 {
		var m received
		select {
		case m = <-sub.msgs:
		case <-time.After(waitFor):
			var missing []string
			for i := range 1000 {
				if id := fmt.Sprintf("m%06d", i); !seen[id] {
					missing = append(missing, id)
				}
			}
			t.Fatalf("after replay: %d messages never arrived: %v", len(missing), missing[:min(len(missing), 20)])
		}
		id := idOf(m.Payload)
		if seen[id] {
			continue
		}
		seen[id] = true
		var n int
		fmt.Sscanf(id, "m%d", &n)
		if n < last {
			t.Fatalf("order: %s after m%06d", id, last)
		}
		last = n
	}
	waitDepth(t, ob2, 0)
}

func TestDispatchAndDocuments(t *testing.T) {
	mq := mosquittotest.Start(t)
	console := subscribe(t, mq.URL())
	console.publish(t, "tg/v1/S1/config/set", true, []byte(`{"payloadType":"x"}`))
	r := start(t, testConfig(mq.URL()), openOutbox(t, ""), nil)

	select {
	case d := <-r.link.Documents():
		if d.Topic != "tg/v1/S1/config/set" || string(d.Payload) != `{"payloadType":"x"}` {
			t.Fatalf("document: got %s %s", d.Topic, d.Payload)
		}
	case <-time.After(waitFor):
		t.Fatal("retained document not delivered")
	}

	waitSubscribed(t, mq.URL(), r)
	console.publish(t, "tg/v1/S1/T1/dispatch", false, []byte(`{not json`))
	console.publish(t, "tg/v1/S1/T1/dispatch", false, []byte(`{"alert_id":"a1","state":"teleported"}`))
	console.publish(t, "tg/v1/S1/T1/dispatch", false,
		[]byte(`{"alert_id":"a1","state":"claimed","guard":"G7","eta_s":90}`))
	// The link hands every dispatch on as received; agent/dispatchauth
	// decides (CONTRACT §12).
	for _, want := range []string{`{not json`, `{"alert_id":"a1","state":"teleported"}`, `{"alert_id":"a1","state":"claimed","guard":"G7","eta_s":90}`} {
		select {
		case d := <-r.link.Dispatch():
			if d != (envelope.Dispatch{Signed: want}) {
				t.Fatalf("dispatch: got %+v, want only Signed %s", d, want)
			}
		case <-time.After(waitFor):
			t.Fatal("dispatch not delivered")
		}
	}
	select {
	case d := <-r.link.Dispatch():
		t.Fatalf("unexpected dispatch %+v", d)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestConfigStateSurvivesBrokerRestart(t *testing.T) {
	mq := mosquittotest.Start(t)
	r := start(t, testConfig(mq.URL()), openOutbox(t, ""), nil)
	r.link.SetConfigState([]byte(`{"fleet":3}`))
	sub := subscribe(t, mq.URL(), "tg/v1/S1/T1/config/state")
	if m := sub.next(t); string(m.Payload) != `{"fleet":3}` {
		t.Fatalf("config state: got %s", m.Payload)
	}

	mq.Restart() // persistence is off: the broker forgets every retained message
	watch := subscribe(t, mq.URL(), "tg/v1/S1/T1/config/state")
	watch.next(t) // the link is back and has published again
	late := subscribe(t, mq.URL(), "tg/v1/S1/T1/config/state")
	if m := late.next(t); string(m.Payload) != `{"fleet":3}` || !m.Retained {
		t.Fatalf("after restart: got %s retained=%v", m.Payload, m.Retained)
	}
}

// waitSubscribed waits until the link's dispatch subscription is active,
// which a retained online status (published after subscribing) proves.
func waitSubscribed(t *testing.T, brokerURL string, r *running) {
	t.Helper()
	st := subscribe(t, brokerURL, r.link.Topics().Status)
	st.status(t, func(st envelope.Status, _ received) bool { return st.State == "online" })
}

func waitDepth(t *testing.T, ob interface{ Depth() int }, want int) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for ob.Depth() != want {
		if time.Now().After(deadline) {
			t.Fatalf("outbox depth: got %d, want %d", ob.Depth(), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
