package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/transferguard/transferguard/drivers/mqttlink"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/remote"
)

// brokerFlags are the connection flags shared by push and status.
type brokerFlags struct {
	url, ca, cert, key, user, password, clientID string
	timeout                                      time.Duration
}

func (b *brokerFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&b.url, "broker", "", "broker URL: tcp://host:1883 or ssl://host:8883")
	fs.StringVar(&b.ca, "ca", "", "PEM CA bundle to verify the broker (ssl://)")
	fs.StringVar(&b.cert, "cert", "", "PEM client certificate (mutual TLS)")
	fs.StringVar(&b.key, "key", "", "PEM private key of --cert")
	fs.StringVar(&b.user, "username", "", "MQTT user name")
	fs.StringVar(&b.password, "password", "", "MQTT password (or env TGCTL_MQTT_PASSWORD)")
	fs.StringVar(&b.clientID, "client-id", "", "MQTT client id (default tgctl-<pid>)")
	fs.DurationVar(&b.timeout, "timeout", 10*time.Second, "how long to wait for the broker at each step")
}

// options returns paho client options for the flags: no automatic
// reconnection (watch turns it on).
func (b *brokerFlags) options() (*mqtt.ClientOptions, error) {
	if b.url == "" {
		return nil, usagef("--broker is required")
	}
	if (b.cert == "") != (b.key == "") {
		return nil, usagef("--cert and --key go together")
	}
	o := mqtt.NewClientOptions().AddBroker(b.url).SetCleanSession(true).
		SetAutoReconnect(false).SetConnectTimeout(b.timeout).SetOrderMatters(false)
	o.SetClientID(b.clientID)
	if b.clientID == "" {
		o.SetClientID(fmt.Sprintf("tgctl-%d", os.Getpid()))
	}
	if b.user != "" {
		o.SetUsername(b.user)
		pw := b.password
		if pw == "" {
			pw = os.Getenv("TGCTL_MQTT_PASSWORD")
		}
		o.SetPassword(pw)
	}
	if b.ca != "" || b.cert != "" || strings.HasPrefix(b.url, "ssl://") || strings.HasPrefix(b.url, "tls://") {
		tc, err := mqttlink.TLSConfig(b.ca, b.cert, b.key)
		if err != nil {
			return nil, err
		}
		o.SetTLSConfig(tc)
	}
	return o, nil
}

// connect opens an MQTT connection with a bounded wait.
func (b *brokerFlags) connect() (mqtt.Client, error) {
	o, err := b.options()
	if err != nil {
		return nil, err
	}
	return b.dial(o)
}

// dial connects a client made from o, waiting at most --timeout.
func (b *brokerFlags) dial(o *mqtt.ClientOptions) (mqtt.Client, error) {
	c := mqtt.NewClient(o)
	tok := c.Connect()
	if !tok.WaitTimeout(b.timeout) {
		return nil, fmt.Errorf("connect %s: no answer within %s", b.url, b.timeout)
	}
	if err := tok.Error(); err != nil {
		return nil, fmt.Errorf("connect %s: %w", b.url, err)
	}
	return c, nil
}

// publish sends one message and waits for the broker's acknowledgement.
func (b *brokerFlags) publish(c mqtt.Client, topic string, retained bool, payload []byte) error {
	tok := c.Publish(topic, 1, retained, payload)
	if !tok.WaitTimeout(b.timeout) {
		return fmt.Errorf("publish %s: no acknowledgement within %s", topic, b.timeout)
	}
	if err := tok.Error(); err != nil {
		return fmt.Errorf("publish %s: %w", topic, err)
	}
	return nil
}

// runPush publishes an envelope retained with QoS 1. The topic comes from
// --topic, from --scope/--site/--terminal, or from the document itself.
func runPush(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("push", stderr)
	var bf brokerFlags
	bf.register(fs)
	topic := fs.String("topic", "", "topic to publish to (default: from the document)")
	scope := fs.String("scope", "", "config scope: fleet, site or terminal (instead of --topic)")
	site := fs.String("site", "", "site id for --scope site|terminal")
	terminal := fs.String("terminal", "", "terminal id for --scope terminal")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want one envelope file")
	}
	raw, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("read envelope: %w", err)
	}
	env, err := dsse.Parse(raw, dsse.MaxWatchlistEnvelope)
	if err != nil {
		return err
	}
	t, err := pushTopic(env, *topic, *scope, *site, *terminal)
	if err != nil {
		return err
	}
	c, err := bf.connect()
	if err != nil {
		return err
	}
	defer c.Disconnect(250)
	if err := bf.publish(c, t, true, raw); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "pushed %d bytes to %s (retained, QoS 1)\n", len(raw), t)
	return nil
}

// pushTopic decides the topic of an envelope.
func pushTopic(env *dsse.Envelope, topic, scope, site, terminal string) (string, error) {
	if topic != "" {
		if scope != "" {
			return "", usagef("--topic and --scope exclude each other")
		}
		return topic, nil
	}
	if env.PayloadType == dsse.TypeWatchlist {
		if scope != "" {
			return "", usagef("a watchlist has no scope")
		}
		return remote.WatchlistTopic, nil
	}
	if env.PayloadType != dsse.TypeConfig {
		return "", fmt.Errorf("%w: payload type %q; give --topic", errNoTopic, env.PayloadType)
	}
	if scope == "" {
		doc, err := config.ParseDocument(env.Payload)
		if err != nil {
			return "", fmt.Errorf("%w: %v", errNoTopic, err)
		}
		scope, site, terminal = doc.Scope, doc.Site, doc.Terminal
	}
	switch {
	case scope == config.ScopeFleet:
	case scope == config.ScopeSite && site != "":
	case scope == config.ScopeTerminal && site != "" && terminal != "":
	default:
		return "", usagef("--scope fleet, --scope site --site S, or --scope terminal --site S --terminal T")
	}
	return remote.ConfigTopic(scope, site, terminal), nil
}
