// Package mqttlink connects the agent to its MQTT broker (CONTRACT §4): it
// drains the durable outbox in order, keeps the retained status and
// config/state topics current, and hands dispatch messages and signed
// documents to the core. It is the only package that imports paho.
//
// Delivery model: the outbox is the durable store, so the paho session is
// clean and paho's own store is never relied on. A message leaves the
// outbox only after its PUBACK; when a publish fails or the connection
// drops, the link reconnects and replays from the oldest unacknowledged
// message. Consumers therefore see every message at least once, in order,
// and de-duplicate on the envelope id.
//
// Each connection uses a fresh paho client, so the Last Will carries the
// current link and ui state, and nothing (tokens, message ids) leaks from
// one connection to the next.
package mqttlink

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/drivers/outbox"
	"github.com/transferguard/transferguard/internal/ctxtime"
)

// Document is a message on a signed-document topic, as received; the
// config package verifies and applies it.
type Document struct {
	Topic   string
	Payload []byte
}

// Link is the agent's MQTT connection. Run owns the connection; the other
// methods are safe to call from any goroutine and never block.
type Link struct {
	cfg    Config
	tls    *tls.Config
	ob     *outbox.Outbox
	log    zerolog.Logger
	topics Topics
	now    func() time.Time

	dispatch chan envelope.Dispatch
	docs     chan Document
	poke     chan struct{} // status or config state changed

	mu          sync.Mutex // guards the four fields below
	link, ui    string
	configState []byte
	configDirty bool

	sentStatus string // link|ui|storage last published; only Run touches it

	// open replaces paho's dialer in tests (to cut a connection abruptly).
	open mqtt.OpenConnectionFunc
}

// New checks cfg and prepares a link; nothing connects until Run.
func New(cfg Config, ob *outbox.Outbox, log zerolog.Logger) (*Link, error) {
	if ob == nil {
		return nil, errors.New("mqttlink: nil outbox")
	}
	topics, err := NewTopics(cfg.Site, cfg.Terminal)
	if err != nil {
		return nil, err
	}
	cfg, err = cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	tc, err := cfg.tlsConfig()
	if err != nil {
		return nil, err
	}
	return &Link{
		cfg: cfg, tls: tc, ob: ob, topics: topics, now: cfg.Clock.Now,
		log:      log.With().Str("component", "mqttlink").Str("boot", cfg.Boot).Logger(),
		dispatch: make(chan envelope.Dispatch, dispatchBuffer),
		docs:     make(chan Document, documentBuffer),
		poke:     make(chan struct{}, 1),
		link:     "down", ui: "off",
	}, nil
}

// Topics returns the topic names this link uses.
func (l *Link) Topics() Topics { return l.topics }

// Boot returns the id of this run, as carried in every status.
func (l *Link) Boot() string { return l.cfg.Boot }

// Dispatch delivers well-formed dispatch messages. The channel is never
// closed; read it until your own context ends.
func (l *Link) Dispatch() <-chan envelope.Dispatch { return l.dispatch }

// Documents delivers messages from the signed-document topics, retained
// ones included (they arrive after every connect). Never closed.
func (l *Link) Documents() <-chan Document { return l.docs }

// Run connects, keeps the connection up and drains the outbox until ctx
// ends; then it publishes the retained offline status, disconnects and
// returns nil. Broker outages are retried for ever with back-off.
func (l *Link) Run(ctx context.Context) error {
	backoff := l.cfg.RetryMin
	failures := 0
	for {
		c, err := l.connect(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			failures++
			l.logConnectFailure(err, failures)
			if !ctxtime.Sleep(ctx, backoff) {
				return nil
			}
			backoff = min(2*backoff, l.cfg.RetryMax)
			continue
		}
		failures, backoff = 0, l.cfg.RetryMin
		l.log.Info().Str("broker", l.cfg.Broker).Int("depth", l.ob.Depth()).
			Dur("oldest_age", l.ob.OldestAge()).Msg("connected")
		err = l.serve(ctx, c)
		if ctx.Err() != nil {
			l.shutdown(c)
			return nil
		}
		c.client.Disconnect(0)
		l.log.Warn().Err(err).Int("depth", l.ob.Depth()).
			Dur("oldest_age", l.ob.OldestAge()).Msg("disconnected")
		if !ctxtime.Sleep(ctx, l.cfg.RetryMin) {
			return nil
		}
	}
}

// logConnectFailure logs the first failure of an outage as a warning and
// the rest at debug, so a long outage does not flood the log.
func (l *Link) logConnectFailure(err error, failures int) {
	ev := l.log.Debug()
	if failures == 1 {
		ev = l.log.Warn()
	}
	ev.Err(err).Str("broker", l.cfg.Broker).Int("attempt", failures).
		Int("depth", l.ob.Depth()).Msg("connect failed")
}

// conn is one paho client and the signal that its connection was lost.
type conn struct {
	client mqtt.Client
	lost   chan error
}

// connect makes a fresh client (with the current Will) and connects it.
func (l *Link) connect(ctx context.Context) (*conn, error) {
	will, err := l.statusPayload("offline")
	if err != nil {
		return nil, err
	}
	c := &conn{lost: make(chan error, 1)}
	opts := mqtt.NewClientOptions().AddBroker(l.cfg.Broker).SetClientID(l.cfg.ClientID).
		SetUsername(l.cfg.Username).SetPassword(l.cfg.Password).
		SetCleanSession(true).SetAutoReconnect(false).SetConnectRetry(false).
		SetKeepAlive(l.cfg.KeepAlive).SetPingTimeout(l.cfg.AckTimeout).
		SetConnectTimeout(connectTimeout).SetWriteTimeout(l.cfg.AckTimeout).
		SetOrderMatters(true).
		SetBinaryWill(l.topics.Status, will, publishQoS, true).
		SetConnectionLostHandler(func(_ mqtt.Client, err error) {
			select {
			case c.lost <- err:
			default:
			}
		})
	if l.tls != nil {
		opts.SetTLSConfig(l.tls)
	}
	if l.open != nil {
		opts.SetCustomOpenConnectionFn(l.open)
	}
	c.client = mqtt.NewClient(opts)
	if err := await(ctx, c.client.Connect(), connectTimeout+time.Second); err != nil {
		c.client.Disconnect(0)
		return nil, fmt.Errorf("mqttlink: connect %s: %w", l.cfg.Broker, err)
	}
	return c, nil
}

// serve runs one connection: subscribe, announce, drain. It returns when
// the connection fails or ctx ends.
func (l *Link) serve(ctx context.Context, c *conn) error {
	filters := map[string]byte{l.topics.Dispatch: subscribeQoS}
	for _, t := range l.topics.Documents() {
		filters[t] = subscribeQoS
	}
	if err := await(ctx, c.client.SubscribeMultiple(filters, l.onMessage), l.cfg.AckTimeout); err != nil {
		return fmt.Errorf("mqttlink: subscribe: %w", err)
	}
	if err := l.announce(ctx, c, true); err != nil {
		return err
	}
	return l.drain(ctx, c)
}

// shutdown publishes the retained offline status of this boot and
// disconnects cleanly (so the broker does not also send the Will).
func (l *Link) shutdown(c *conn) {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	payload, err := l.statusPayload("offline")
	if err == nil {
		err = await(ctx, c.client.Publish(l.topics.Status, publishQoS, true, payload), shutdownTimeout)
	}
	if err != nil {
		l.log.Warn().Err(err).Msg("offline status not published")
	}
	c.client.Disconnect(disconnectQuiesceMS)
	l.log.Info().Int("depth", l.ob.Depth()).Msg("stopped")
}

// errAckTimeout is a broker that did not answer within Config.AckTimeout.
var errAckTimeout = errors.New("no answer from broker in time")

// await waits for tok with a timeout, or until ctx ends.
func await(ctx context.Context, tok mqtt.Token, timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-tok.Done():
		return tok.Error()
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return errAckTimeout
	}
}
