package ingest

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

// Handler is what the ingest feeds; service.Service implements it. Calls
// are concurrent and may block (they write to the store).
type Handler interface {
	HandleAlert(ctx context.Context, a envelope.Alert) error
	HandleStatus(ctx context.Context, site, terminal string, st envelope.Status) error
	HandleSession(ctx context.Context, r envelope.SessionRecord) error
	HandleConfigState(ctx context.Context, site, terminal string, st envelope.ConfigState) error
}

// Config says where to connect and as whom.
type Config struct {
	Broker             string // tcp://host:port, ssl://…
	ClientID           string // stable per instance: its queued messages survive a restart
	Group              string // shared-subscription group; instances of one group split alerts
	Username, Password string
	Workers            int // concurrent handlers (transactions); default 4
	// Batch is how many queued messages one transaction may carry when
	// the handler is a BatchHandler; default DefaultBatch, 1 turns batching off.
	Batch int
	// LeaveOnStop unsubscribes the shared topics at shutdown, so a retired
	// instance's persistent session stops collecting its share of alerts
	// (scale-in). Off, the broker queues its share until it comes back.
	LeaveOnStop bool
	AckTimeout  time.Duration // bound on every broker answer; default 10 s
	// TLS verifies the broker and carries the client certificate (from
	// mqttlink.TLSConfig, as tgagent and tgctl use); nil: plain TCP unless
	// the URL is ssl://, then the system roots.
	TLS   *tls.Config
	Clock clock.Clock // times the link's ups and downs for Health; nil: wall clock
}

// Client is the broker connections of one instance: c carries alerts and
// session records (and every dispatch published), cs statuses and
// configuration state. The broker keeps a queue and an in-flight window
// (mosquitto: max_inflight_messages, 20 by default) per connection, so
// 5,000 retained statuses at a fleet's connect, or a mass outage's Last
// Wills, wait in cs's queue and never in front of an alert.
type Client struct {
	cfg   Config
	c, cs mqtt.Client
	h     Handler
	log   zerolog.Logger
	lanes lanes
	stop  chan struct{}
	link  linkState // of c
	slink linkState // of cs
	// committed counts messages stored, to tell a store outage (nothing
	// commits) from a message the store refuses for good.
	committed atomic.Int64
	idle      atomic.Int32 // workers waiting for a batch
}

// queue is how many received messages wait for a worker, per lane, before
// paho's handlers block (back-pressure on the broker, nothing dropped).
const queue = 4096

// New prepares a client; Run connects and works.
func New(cfg Config, log zerolog.Logger) (*Client, error) {
	if cfg.Broker == "" || !envelope.ValidID(cfg.Group) {
		return nil, fmt.Errorf("ingest: broker is required and group must match [A-Za-z0-9_-]{1,64}")
	}
	if cfg.ClientID == "" {
		cfg.ClientID = "tgdispatch-" + cfg.Group
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	if cfg.AckTimeout <= 0 {
		cfg.AckTimeout = 10 * time.Second
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	cl := &Client{cfg: cfg, log: log.With().Str("component", "ingest").Logger(), lanes: newLanes(), stop: make(chan struct{}),
		link: linkState{clock: cfg.Clock, since: cfg.Clock.Now()}, slink: linkState{clock: cfg.Clock, since: cfg.Clock.Now()}}
	shared, plain := splitTopics(Topics(cfg.Group))
	var leave []string // statuses came on c before they had their own connection
	for t := range plain {
		leave = append(leave, t)
	}
	cl.c = mqtt.NewClient(cl.options(cfg.ClientID, &cl.link, shared, leave))
	cl.cs = mqtt.NewClient(cl.options(cfg.ClientID+StatusSuffix, &cl.slink, plain, nil))
	return cl, nil
}

// StatusSuffix is appended to the client id for the status connection.
const StatusSuffix = "-status"

// options are one connection's: a persistent session (what was queued
// for it survives a restart) subscribing to topics on every connect, and
// dropping leave (what an earlier version subscribed on this connection).
func (cl *Client) options(id string, link *linkState, topics map[string]byte, leave []string) *mqtt.ClientOptions {
	o := mqtt.NewClientOptions().AddBroker(cl.cfg.Broker).SetClientID(id).
		SetCleanSession(false).SetAutoReconnect(true).SetConnectRetry(true).
		SetMaxReconnectInterval(5 * time.Second).SetKeepAlive(30 * time.Second).
		SetOrderMatters(false).SetAutoAckDisabled(true).SetResumeSubs(true).
		SetOnConnectHandler(func(c mqtt.Client) { link.up(); cl.subscribe(c, id, topics, leave) }).
		SetConnectionLostHandler(func(_ mqtt.Client, err error) {
			link.down()
			cl.log.Warn().Err(err).Str("client_id", id).Msg("broker connection lost")
		})
	if cl.cfg.Username != "" {
		o.SetUsername(cl.cfg.Username).SetPassword(cl.cfg.Password)
	}
	if cl.cfg.TLS != nil {
		o.SetTLSConfig(cl.cfg.TLS)
	}
	return o
}

// splitTopics parts the shared subscriptions from the plain ones.
func splitTopics(all map[string]byte) (shared map[string]byte, plain map[string]byte) {
	shared, plain = map[string]byte{}, map[string]byte{}
	for t, q := range all {
		if strings.HasPrefix(t, "$share/") {
			shared[t] = q
		} else {
			plain[t] = q
		}
	}
	return shared, plain
}

// Topics are the subscriptions of an instance in group: alerts and session
// records shared (one instance handles each), status and configuration
// state plain (retained, and handled idempotently by every instance).
func Topics(group string) map[string]byte {
	return map[string]byte{
		"$share/" + group + "/" + wire.TerminalTopic(wire.Any, wire.Any, wire.TopicAlert):   1,
		"$share/" + group + "/" + wire.TerminalTopic(wire.Any, wire.Any, wire.TopicSession): 1,
		wire.TerminalTopic(wire.Any, wire.Any, wire.TopicStatus):                            1,
		wire.TerminalTopic(wire.Any, wire.Any, wire.TopicConfigState):                       1,
	}
}

// subscribe runs on every (re)connect.
func (cl *Client) subscribe(c mqtt.Client, id string, topics map[string]byte, leave []string) {
	cl.log.Info().Str("broker", cl.cfg.Broker).Str("client_id", id).Msg("broker connected")
	tok := c.SubscribeMultiple(topics, cl.receive)
	if !tok.WaitTimeout(cl.cfg.AckTimeout) || tok.Error() != nil {
		cl.log.Error().Err(tok.Error()).Str("client_id", id).Msg("subscribe failed")
	}
	if len(leave) > 0 {
		if tok := c.Unsubscribe(leave...); !tok.WaitTimeout(cl.cfg.AckTimeout) || tok.Error() != nil {
			cl.log.Warn().Err(tok.Error()).Str("client_id", id).Msg("unsubscribe failed")
		}
	}
}

// receive hands a message to the workers' lane for it; it blocks only
// when that lane is full (back-pressure) or the client stops.
func (cl *Client) receive(_ mqtt.Client, m mqtt.Message) {
	select {
	case cl.lanes.lane(m.Topic()) <- m:
	case <-cl.stop:
	}
}

// Run connects, hands messages to h with Workers goroutines until ctx
// ends, then disconnects. Messages not handled yet are left unacknowledged
// and come back on the next connection. Call it once.
func (cl *Client) Run(ctx context.Context, h Handler) error {
	cl.h = h
	for _, c := range []mqtt.Client{cl.c, cl.cs} {
		if err := cl.connect(ctx, c); err != nil {
			return err
		}
	}
	var wg sync.WaitGroup
	for n := range cl.cfg.Workers {
		urgentOnly := n == 0 && cl.cfg.Workers > 1
		wg.Go(func() { cl.worker(ctx, urgentOnly) })
	}
	<-ctx.Done()
	close(cl.stop)
	wg.Wait()
	if cl.cfg.LeaveOnStop {
		shared, _ := splitTopics(Topics(cl.cfg.Group))
		var topics []string
		for t := range shared {
			topics = append(topics, t)
		}
		if tok := cl.c.Unsubscribe(topics...); !tok.WaitTimeout(cl.cfg.AckTimeout) || tok.Error() != nil {
			cl.log.Warn().Err(tok.Error()).Msg("leaving the shared subscription failed")
		}
	}
	cl.cs.Disconnect(250)
	cl.c.Disconnect(250)
	return nil
}

// connect starts c's connection; with ConnectRetry it goes on trying in
// the background when the broker is not reachable yet.
func (cl *Client) connect(ctx context.Context, c mqtt.Client) error {
	tok := c.Connect()
	select {
	case <-tok.Done():
		if tok.Error() != nil {
			return fmt.Errorf("ingest: connect %s: %w", cl.cfg.Broker, tok.Error())
		}
	case <-time.After(cl.cfg.AckTimeout):
		cl.log.Warn().Str("broker", cl.cfg.Broker).Msg("broker not reachable yet; retrying")
	case <-ctx.Done():
	}
	return nil
}

// handle hands one decoded message over.
func (cl *Client) handle(ctx context.Context, m Message) error {
	switch {
	case m.Alert != nil:
		return cl.h.HandleAlert(ctx, *m.Alert)
	case m.Session != nil:
		return cl.h.HandleSession(ctx, *m.Session)
	case m.Status != nil:
		return cl.h.HandleStatus(ctx, m.Site, m.Terminal, *m.Status)
	case m.Config != nil:
		return cl.h.HandleConfigState(ctx, m.Site, m.Terminal, *m.Config)
	}
	return nil
}

// ErrTimeout is returned when the broker did not acknowledge in time; the
// message stays queued in the client and is sent after a reconnect.
var ErrTimeout = errors.New("ingest: broker did not acknowledge in time")

// Dispatch publishes a dispatch message to the terminal (QoS 1, not
// retained) and waits for the broker's acknowledgement.
func (cl *Client) Dispatch(ctx context.Context, site, terminal string, d envelope.Dispatch) error {
	if !envelope.ValidID(site) || !envelope.ValidID(terminal) {
		return fmt.Errorf("ingest: dispatch to invalid terminal %q/%q", site, terminal)
	}
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("ingest: encode dispatch: %w", err)
	}
	tok := cl.c.Publish(DispatchTopic(site, terminal), 1, false, b)
	select {
	case <-tok.Done():
		if tok.Error() != nil {
			return fmt.Errorf("ingest: publish dispatch: %w", tok.Error())
		}
		return nil
	case <-time.After(cl.cfg.AckTimeout):
		return ErrTimeout
	case <-ctx.Done():
		return ctx.Err()
	}
}
