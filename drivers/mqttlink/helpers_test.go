package mqttlink

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/drivers/outbox"
)

const waitFor = 10 * time.Second

// received is one message seen by a test subscriber.
type received struct {
	Topic    string
	Payload  []byte
	Retained bool
	At       time.Time
}

// subscriber is a plain paho client standing in for a guard console.
type subscriber struct {
	client paho.Client
	msgs   chan received
}

func subscribe(t testing.TB, brokerURL string, filters ...string) *subscriber {
	t.Helper()
	s := &subscriber{msgs: make(chan received, 20000)}
	id := fmt.Sprintf("sub-%d", time.Now().UnixNano())
	s.client = paho.NewClient(paho.NewClientOptions().AddBroker(brokerURL).SetClientID(id))
	if tok := s.client.Connect(); !tok.WaitTimeout(waitFor) || tok.Error() != nil {
		t.Fatalf("subscriber connect: %v", tok.Error())
	}
	t.Cleanup(func() { s.client.Disconnect(0) })
	for _, f := range filters {
		tok := s.client.Subscribe(f, 1, func(_ paho.Client, m paho.Message) {
			select {
			case s.msgs <- received{m.Topic(), m.Payload(), m.Retained(), time.Now()}:
			default:
			}
		})
		if !tok.WaitTimeout(waitFor) || tok.Error() != nil {
			t.Fatalf("subscribe %s: %v", f, tok.Error())
		}
	}
	return s
}

// next returns the next message, failing the test after waitFor.
func (s *subscriber) next(t testing.TB) received {
	t.Helper()
	select {
	case m := <-s.msgs:
		return m
	case <-time.After(waitFor):
		t.Fatal("no message within", waitFor)
		return received{}
	}
}

// status waits for a status message matching ok, skipping others.
func (s *subscriber) status(t testing.TB, ok func(envelope.Status, received) bool) envelope.Status {
	t.Helper()
	deadline := time.After(waitFor)
	for {
		select {
		case m := <-s.msgs:
			var st envelope.Status
			if json.Unmarshal(m.Payload, &st) == nil && ok(st, m) {
				return st
			}
		case <-deadline:
			t.Fatal("wanted status not seen within", waitFor)
		}
	}
}

// publish sends raw bytes from a test client.
func (s *subscriber) publish(t testing.TB, topic string, retained bool, payload []byte) {
	t.Helper()
	tok := s.client.Publish(topic, 1, retained, payload)
	if !tok.WaitTimeout(waitFor) || tok.Error() != nil {
		t.Fatalf("publish %s: %v", topic, tok.Error())
	}
}

// running is a Link under test.
type running struct {
	link   *Link
	cancel context.CancelFunc
	done   chan struct{} // closed when Run has returned err
	err    error
}

// stop cancels Run and waits for it to return nil.
func (r *running) stop(t testing.TB) {
	t.Helper()
	r.cancel()
	select {
	case <-r.done:
		if r.err != nil {
			t.Fatalf("Run returned %v, want nil", r.err)
		}
	case <-time.After(waitFor):
		t.Fatal("Run did not return after cancel")
	}
}

func testConfig(brokerURL string) Config {
	return Config{
		Broker: brokerURL, Site: "S1", Terminal: "T1", Boot: "boot-1",
		AgentVersion: "test", KeepAlive: 5 * time.Second, Window: 64,
		AckTimeout: 5 * time.Second, RetryMin: 50 * time.Millisecond, RetryMax: 200 * time.Millisecond,
	}
}

// start runs a link on ob; setup may adjust it before Run.
func start(t testing.TB, cfg Config, ob *outbox.Outbox, setup func(*Link)) *running {
	t.Helper()
	l, err := New(cfg, ob, zerolog.New(zerolog.NewTestWriter(t)))
	if err != nil {
		t.Fatal(err)
	}
	if setup != nil {
		setup(l)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{link: l, cancel: cancel, done: make(chan struct{})}
	go func() {
		r.err = l.Run(ctx)
		close(r.done)
	}()
	t.Cleanup(func() {
		cancel()
		<-r.done
	})
	return r
}

func openOutbox(t testing.TB, path string) *outbox.Outbox {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "outbox.db")
	}
	ob, err := outbox.Open(path, outbox.Options{}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ob.Close() })
	return ob
}

// queue publishes n alerts with ids from first on into ob.
func queue(t testing.TB, ob *outbox.Outbox, first, n int) {
	t.Helper()
	for i := first; i < first+n; i++ {
		m := envelope.Message{ID: fmt.Sprintf("m%06d", i), Topic: wire.TopicAlert,
			Payload: fmt.Appendf(nil, `{"v":1,"id":"m%06d","type":"alert"}`, i)}
		if err := ob.Publish(m); err != nil {
			t.Fatal(err)
		}
	}
}

// idOf extracts the envelope id of an alert payload.
func idOf(p []byte) string {
	var v struct{ ID string }
	_ = json.Unmarshal(p, &v)
	return v.ID
}

// gate is an OpenConnectionFunc that dials TCP, can refuse to (to hold the
// link off a broker) and remembers the connections, so a test can cut them
// as a crash or a network fault would.
type gate struct {
	closed atomic.Bool
	mu     sync.Mutex
	conns  []net.Conn
}

func (g *gate) open(u *url.URL, _ paho.ClientOptions) (net.Conn, error) {
	if g.closed.Load() {
		return nil, fmt.Errorf("gate closed")
	}
	nc, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err == nil {
		g.mu.Lock()
		g.conns = append(g.conns, nc)
		g.mu.Unlock()
	}
	return nc, err
}

// cut ends every connection made so far without an MQTT DISCONNECT, as a
// killed process would: it sends FIN under paho's feet (closing the
// net.Conn itself would not do, paho ignores "use of closed network
// connection" and waits for keepalive). The broker then sends the Will and
// closes, and paho reads EOF.
func (g *gate) cut() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, c := range g.conns {
		_ = c.(*net.TCPConn).CloseWrite()
	}
	g.conns = nil
}
