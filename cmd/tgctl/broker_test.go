package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/transferguard/transferguard/drivers/mqttlink"
)

// The fleet of the locked-broker tests: two terminals, a tgdispatch
// instance, a bank IT pusher, and an identity the CA signed but the
// inventory does not list.
const brokerInventory = `sites:
  - id: S1
    terminals: [T1, T2]
dispatch: [tgdispatch-1]
it: [bankit-1]
`

const (
	idT1, idT2, idDispatch, idIT, idStranger = "tg-S1-T1", "tg-S1-T2", "tgdispatch-1", "bankit-1", "tg-S9-T9"
	waitAck                                  = 5 * time.Second
)

// pki is a CA directory and a directory of issued certificates.
type pki struct{ ca, certs string }

// newPKI makes a CA, a broker server certificate for 127.0.0.1 and one
// client certificate per identity, all with tgctl cert.
func newPKI(t *testing.T) pki {
	t.Helper()
	p := pki{ca: filepath.Join(t.TempDir(), "ca"), certs: t.TempDir()}
	mustTgctl(t, "cert", "ca", "--out", p.ca)
	mustTgctl(t, "cert", "issue", "--ca", p.ca, "--cn", "broker", "--server", "--ip", "127.0.0.1",
		"--dns", "localhost", "--out", p.certs)
	for _, id := range []string{idT1, idT2, idDispatch, idIT, idStranger} {
		mustTgctl(t, "cert", "issue", "--ca", p.ca, "--cn", id, "--out", p.certs)
	}
	return p
}

func mustTgctl(t *testing.T, args ...string) string {
	t.Helper()
	out, e, code := tgctl(t, args...)
	if code != 0 {
		t.Fatalf("tgctl %s: exit %d: %s", strings.Join(args, " "), code, e)
	}
	return out
}

// writeACL generates the acl_file for brokerInventory with tgctl acl.
func writeACL(t *testing.T, dir string) string {
	t.Helper()
	inv, acl := filepath.Join(dir, "terminals.yaml"), filepath.Join(dir, "acl")
	if err := os.WriteFile(inv, []byte(brokerInventory), 0o644); err != nil {
		t.Fatal(err)
	}
	mustTgctl(t, "acl", "--inventory", inv, "--out", acl)
	return acl
}

var clientSeq atomic.Int64

// dial connects as identity (its certificate from p); identity "" connects
// with no client certificate.
func (p pki) dial(url, identity string) (mqtt.Client, error) {
	cert, key := "", ""
	if identity != "" {
		cert, key = filepath.Join(p.certs, identity+".crt"), filepath.Join(p.certs, identity+".key")
	}
	return dialTLS(url, filepath.Join(p.ca, caCertFile), cert, key, identity)
}

// dialTLS connects trusting caFile, with cert and key as client
// certificate (none if "").
func dialTLS(url, caFile, cert, key, identity string) (mqtt.Client, error) {
	tc, err := mqttlink.TLSConfig(caFile, cert, key)
	if err != nil {
		return nil, err
	}
	o := mqtt.NewClientOptions().AddBroker(url).SetTLSConfig(tc).SetCleanSession(true).
		SetClientID(fmt.Sprintf("%s-%d", identity, clientSeq.Add(1))).SetAutoReconnect(false).
		SetConnectTimeout(waitAck).SetOrderMatters(true)
	c := mqtt.NewClient(o)
	tok := c.Connect()
	if !tok.WaitTimeout(waitAck) {
		return nil, fmt.Errorf("connect as %q: no answer within %s", identity, waitAck)
	}
	return c, tok.Error()
}

func (p pki) mustDial(t *testing.T, url, identity string) mqtt.Client {
	t.Helper()
	c, err := p.dial(url, identity)
	if err != nil {
		t.Fatalf("connect as %s: %v", identity, err)
	}
	t.Cleanup(func() { c.Disconnect(100) })
	return c
}

// listen subscribes c to filters; messages arrive in order on the channel.
// A filter the ACL refuses may be refused or accepted and never fed: the
// assertions look only at what arrives.
func listen(t *testing.T, c mqtt.Client, filters ...string) <-chan mqtt.Message {
	t.Helper()
	ch := make(chan mqtt.Message, 64)
	for _, f := range filters {
		tok := c.Subscribe(f, 1, func(_ mqtt.Client, m mqtt.Message) { ch <- m })
		if !tok.WaitTimeout(waitAck) || tok.Error() != nil {
			t.Fatalf("subscribe %s: %v", f, tok.Error())
		}
		if st, ok := tok.(*mqtt.SubscribeToken); ok && st.Result()[f] == 0x80 {
			t.Logf("broker refused subscription %s", f)
		}
	}
	return ch
}

// until collects messages from ch up to and including the control message
// (topic, payload), which a permitted client published after every
// forbidden one: whatever got through the ACL arrived before it. It fails
// when the control never comes, so no assertion passes on silence.
func until(t *testing.T, ch <-chan mqtt.Message, topic, payload string) []mqtt.Message {
	t.Helper()
	var got []mqtt.Message
	timeout := time.After(waitAck)
	for {
		select {
		case m := <-ch:
			got = append(got, m)
			if m.Topic() == topic && string(m.Payload()) == payload {
				return got
			}
		case <-timeout:
			t.Fatalf("control message %s %q never arrived; got %s", topic, payload, describe(got))
			return nil
		}
	}
}

// forbidden fails for every received message whose payload is "forged".
func forbidden(t *testing.T, who string, got []mqtt.Message) {
	t.Helper()
	for _, m := range got {
		if string(m.Payload()) == "forged" {
			t.Errorf("%s received a forbidden message on %s", who, m.Topic())
		}
	}
}

func describe(ms []mqtt.Message) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "[%s %q] ", m.Topic(), m.Payload())
	}
	return b.String()
}
