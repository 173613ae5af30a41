//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// message is one MQTT message the test received.
type message struct {
	Topic    string
	Payload  []byte
	Retained bool
	At       time.Time
}

// subscriber follows tg/v1/# on a broker, reconnecting within a few tens of
// milliseconds when the broker comes back, so that it is subscribed again
// before the agent (whose back-off is longer) drains its outbox.
type subscriber struct {
	t      testing.TB
	url    string
	mu     sync.Mutex
	msgs   []message
	subs   int // successful subscriptions so far
	change chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
}

func subscribe(t testing.TB, url string) *subscriber {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &subscriber{t: t, url: url, change: make(chan struct{}), cancel: cancel, done: make(chan struct{})}
	go s.keep(ctx)
	t.Cleanup(func() { s.cancel(); <-s.done })
	s.waitSubs(1, 10*time.Second)
	return s
}

// keep connects and subscribes, again and again while ctx lasts.
func (s *subscriber) keep(ctx context.Context) {
	defer close(s.done)
	for n := 0; ctx.Err() == nil; n++ {
		lost := make(chan struct{})
		opts := mqtt.NewClientOptions().AddBroker(s.url).
			SetClientID(fmt.Sprintf("it-sub-%d-%d", time.Now().UnixNano(), n)).
			SetCleanSession(true).SetAutoReconnect(false).SetConnectTimeout(time.Second).
			SetOrderMatters(true).
			SetConnectionLostHandler(func(mqtt.Client, error) { close(lost) })
		c := mqtt.NewClient(opts)
		if tok := c.Connect(); !tok.WaitTimeout(2*time.Second) || tok.Error() != nil {
			select {
			case <-ctx.Done():
			case <-time.After(20 * time.Millisecond):
			}
			continue
		}
		tok := c.Subscribe("tg/v1/#", 1, s.handle)
		if !tok.WaitTimeout(2*time.Second) || tok.Error() != nil {
			c.Disconnect(0)
			continue
		}
		s.mu.Lock()
		s.subs++
		s.notifyLocked()
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			c.Disconnect(50)
		case <-lost:
		}
	}
}

// handle stores a message; it never blocks paho.
func (s *subscriber) handle(_ mqtt.Client, m mqtt.Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, message{Topic: m.Topic(), Payload: append([]byte(nil), m.Payload()...), Retained: m.Retained(), At: time.Now()})
	s.notifyLocked()
}

func (s *subscriber) notifyLocked() {
	close(s.change)
	s.change = make(chan struct{})
}

// all returns every message so far.
func (s *subscriber) all() []message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]message(nil), s.msgs...)
}

// await waits until cond holds over the messages so far, or fails the test.
func (s *subscriber) await(timeout time.Duration, what string, cond func([]message) bool) []message {
	s.t.Helper()
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		msgs, ch := append([]message(nil), s.msgs...), s.change
		s.mu.Unlock()
		if cond(msgs) {
			return msgs
		}
		select {
		case <-ch:
		case <-deadline:
			s.t.Fatalf("no %s on MQTT within %v; got:\n%s", what, timeout, dump(msgs))
			return nil
		}
	}
}

func (s *subscriber) waitSubs(n int, timeout time.Duration) {
	s.t.Helper()
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		subs, ch := s.subs, s.change
		s.mu.Unlock()
		if subs >= n {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			s.t.Fatalf("subscriber not subscribed (%d times) within %v", n, timeout)
		}
	}
}

// onTopic returns the messages whose topic ends with /suffix.
func onTopic(msgs []message, suffix string) []message {
	var out []message
	for _, m := range msgs {
		if strings.HasSuffix(m.Topic, "/"+suffix) {
			out = append(out, m)
		}
	}
	return out
}

// decode returns a message's payload as a JSON object.
func decode(t testing.TB, m message) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(m.Payload, &v); err != nil {
		t.Fatalf("payload on %s is not a JSON object: %v: %s", m.Topic, err, m.Payload)
	}
	return v
}

// hasStatus reports whether a status message with every given field value
// arrived.
func hasStatus(want map[string]string) func([]message) bool {
	return func(msgs []message) bool {
		for _, m := range onTopic(msgs, "status") {
			var v map[string]any
			if json.Unmarshal(m.Payload, &v) != nil {
				continue
			}
			ok := true
			for k, w := range want {
				if v[k] != w {
					ok = false
				}
			}
			if ok {
				return true
			}
		}
		return false
	}
}

// retained connects a fresh client and returns the retained message on
// topic, as a console starting late would see it.
func retained(t testing.TB, url, topic string) message {
	t.Helper()
	got := make(chan message, 1)
	opts := mqtt.NewClientOptions().AddBroker(url).SetClientID(fmt.Sprintf("it-ret-%d", time.Now().UnixNano()))
	c := mqtt.NewClient(opts)
	if tok := c.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("connect for retained %s: %v", topic, tok.Error())
	}
	defer c.Disconnect(50)
	tok := c.Subscribe(topic, 1, func(_ mqtt.Client, m mqtt.Message) {
		select {
		case got <- message{Topic: m.Topic(), Payload: append([]byte(nil), m.Payload()...), Retained: m.Retained()}:
		default:
		}
	})
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe %s: %v", topic, tok.Error())
	}
	select {
	case m := <-got:
		return m
	case <-time.After(3 * time.Second):
		t.Fatalf("no retained message on %s", topic)
		return message{}
	}
}

func dump(msgs []message) string {
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "  %s %s\n", m.Topic, m.Payload)
	}
	return b.String()
}
