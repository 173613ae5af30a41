package main

import (
	"context"
	"os"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/dispatch/ingest"
	"github.com/transferguard/transferguard/drivers/mqttlink"
	"github.com/transferguard/transferguard/internal/mosquittotest"
)

// alerts records the alerts ingest hands over.
type alerts chan envelope.Alert

func (a alerts) HandleAlert(_ context.Context, al envelope.Alert) error { a <- al; return nil }
func (alerts) HandleStatus(context.Context, string, string, envelope.Status) error {
	return nil
}
func (alerts) HandleSession(context.Context, envelope.SessionRecord) error { return nil }
func (alerts) HandleConfigState(context.Context, string, string, envelope.ConfigState) error {
	return nil
}

// A broker that requires TLS and client certificates (mosquitto,
// require_certificate true): tgdispatch connects with --ca, --cert and
// --key, and receives an alert an agent publishes.
func TestBrokerMutualTLS(t *testing.T) {
	pki := mosquittotest.NewPKI(t)
	b := mosquittotest.StartWithConfig(t, pki.Listener())
	f, err := parseServe([]string{"--broker", b.SSLURL(), "--ca", pki.CA, "--cert", pki.ClientCert, "--key", pki.ClientKey,
		"--group", "tls", "--client-id", "tgdispatch-" + t.Name()})
	if err != nil {
		t.Fatal(err)
	}
	bc, err := brokerConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := ingest.New(bc, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	got := make(alerts, 16)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cl.Run(ctx, got) }()
	defer func() { cancel(); <-done }()

	agentTLS, err := mqttlink.TLSConfig(pki.CA, pki.ClientCert, pki.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	ag := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(b.SSLURL()).SetClientID("agent-" + t.Name()).SetTLSConfig(agentTLS))
	if tok := ag.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("agent connect over mutual TLS: %v", tok.Error())
	}
	defer ag.Disconnect(100)
	payload, err := os.ReadFile("../../dispatch/ingest/testdata/alert.json")
	if err != nil {
		t.Fatal(err)
	}
	topic := wire.TerminalTopic("S1", "T1", wire.TopicAlert)
	// tgdispatch subscribes once connected; publish until the alert comes through.
	deadline := time.After(10 * time.Second)
	for {
		if tok := ag.Publish(topic, 1, false, payload); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
			t.Fatalf("publish: %v", tok.Error())
		}
		select {
		case a := <-got:
			if a.AlertID != "A1" || cl.Unreachable() != 0 {
				t.Fatalf("alert %+v, unreachable %v", a, cl.Unreachable())
			}
			return
		case <-time.After(200 * time.Millisecond):
		case <-deadline:
			t.Fatal("no alert reached tgdispatch over mutual TLS")
		}
	}
}

// Without a client certificate, or trusting another CA, the connection fails.
func TestBrokerTLSRefusals(t *testing.T) {
	pki := mosquittotest.NewPKI(t)
	b := mosquittotest.StartWithConfig(t, pki.Listener())
	for name, args := range map[string][]string{
		"no client certificate":   {"--ca", pki.CA},
		"broker from another CA":  {"--ca", pki.OtherCA, "--cert", pki.ClientCert, "--key", pki.ClientKey},
		"plain tcp to a TLS port": {},
	} {
		url := b.SSLURL()
		if len(args) == 0 {
			url = b.URL()
		}
		f, err := parseServe(append([]string{"--broker", url}, args...))
		if err != nil {
			t.Fatal(err)
		}
		bc, err := brokerConfig(f)
		if err != nil {
			t.Fatal(err)
		}
		o := mqtt.NewClientOptions().AddBroker(bc.Broker).SetClientID("probe").SetConnectTimeout(5 * time.Second)
		if bc.TLS != nil {
			o.SetTLSConfig(bc.TLS)
		}
		c := mqtt.NewClient(o)
		tok := c.Connect()
		if !tok.WaitTimeout(10 * time.Second) {
			t.Fatalf("%s: connect did not finish", name)
		}
		if tok.Error() == nil {
			c.Disconnect(0)
			t.Errorf("%s: connected, want refused", name)
		}
	}
}

func TestBadTLSFilesAreUsageErrors(t *testing.T) {
	f, err := parseServe([]string{"--broker", "ssl://127.0.0.1:8883", "--ca", "/nonexistent/ca.pem"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := brokerConfig(f); err == nil {
		t.Fatal("a missing CA file was accepted")
	} else if _, ok := err.(usageError); !ok {
		t.Fatalf("%v is not a usage error (exit 2)", err)
	}
}
