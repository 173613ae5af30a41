package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/transferguard/transferguard/drivers/mqttlink"
)

// brokerFlags are the connection flags shared by push and status.
type brokerFlags struct {
	url, ca, cert, key, tlsKey, user, password, clientID string
	timeout                                              time.Duration
}

func (b *brokerFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&b.url, "broker", "", "broker URL: tcp://host:1883 or ssl://host:8883")
	fs.StringVar(&b.ca, "ca", "", "PEM CA bundle to verify the broker (ssl://)")
	fs.StringVar(&b.cert, "cert", "", "PEM client certificate (mutual TLS)")
	fs.StringVar(&b.key, "key", "", "PEM private key of --cert (rollback: the signing key; use --tls-key)")
	fs.StringVar(&b.tlsKey, "tls-key", "", "PEM private key of --cert (same as --key)")
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
	if b.tlsKey != "" {
		b.key = b.tlsKey
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
