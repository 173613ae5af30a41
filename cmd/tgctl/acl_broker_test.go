package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/remote"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/internal/mosquittotest"
)

// TestLockedBroker runs a real mosquitto with certificates from tgctl cert
// and an acl_file from tgctl acl, once as mosquittotest.StartTLS sets it up
// and once from the shipped configs/mosquitto/transferguard.conf, and checks
// what each identity can and cannot do. mosquitto acknowledges a refused
// publish, so every check looks at what a subscriber receives, up to a
// control message a permitted client sent last.
func TestLockedBroker(t *testing.T) {
	for _, setup := range []struct {
		name  string
		start func(t *testing.T, p pki, acl string) *mosquittotest.Broker
	}{
		{"StartTLS", startTLS},
		{"shipped conf", startShipped},
	} {
		t.Run(setup.name, func(t *testing.T) {
			p := newPKI(t)
			url := setup.start(t, p, writeACL(t, t.TempDir())).URL()
			t.Run("no certificate", func(t *testing.T) { lockedNoCertificate(t, p, url) })
			t.Run("alerts", func(t *testing.T) { lockedAlerts(t, p, url) })
			t.Run("dispatch", func(t *testing.T) { lockedDispatch(t, p, url) })
			t.Run("config", func(t *testing.T) { lockedConfig(t, p, url) })
			t.Run("it reads status, not alerts", func(t *testing.T) { lockedITReads(t, p, url) })
		})
	}
}

func startTLS(t *testing.T, p pki, acl string) *mosquittotest.Broker {
	return mosquittotest.StartTLS(t, mosquittotest.TLSOptions{
		CAFile: filepath.Join(p.ca, caCertFile), ACLFile: acl,
		CertFile: filepath.Join(p.certs, "broker.crt"), KeyFile: filepath.Join(p.certs, "broker.key"),
	})
}

// startShipped runs the shipped configuration with its paths moved into a
// temp dir, its port made free and "user root" added (see mosquittotest).
func startShipped(t *testing.T, p pki, acl string) *mosquittotest.Broker {
	raw, err := os.ReadFile("../../configs/mosquitto/transferguard.conf")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for src, dst := range map[string]string{
		filepath.Join(p.ca, caCertFile): "ca.crt", filepath.Join(p.certs, "broker.crt"): "broker.crt",
		filepath.Join(p.certs, "broker.key"): "broker.key", acl: "acl",
	} {
		b, err := os.ReadFile(src)
		if err != nil || os.WriteFile(filepath.Join(dir, dst), b, 0o600) != nil {
			t.Fatalf("copy %s: %v", src, err)
		}
	}
	return mosquittotest.StartConf(t, "ssl", func(port int) string {
		conf := "user root\n" + string(raw)
		for old, repl := range map[string]string{
			"/etc/mosquitto/transferguard/":                  dir + "/",
			"listener 8883":                                  fmt.Sprintf("listener %d 127.0.0.1", port),
			"persistence_location /var/lib/mosquitto/":       "persistence_location " + dir + "/",
			"pid_file /run/mosquitto/mosquitto.pid":          "pid_file " + dir + "/pid",
			"log_dest file /var/log/mosquitto/mosquitto.log": "log_dest stderr",
		} {
			if !strings.Contains(conf, old) {
				t.Fatalf("shipped conf no longer has %q; update this test", old)
			}
			conf = strings.ReplaceAll(conf, old, repl)
		}
		return conf
	})
}

// lockedNoCertificate: without a client certificate from the fleet's CA
// there is no session, whatever name the certificate bears.
func lockedNoCertificate(t *testing.T, p pki, url string) {
	if c, err := p.dial(url, ""); err == nil {
		c.Disconnect(100)
		t.Error("a client without a certificate connected")
	}
	other := filepath.Join(t.TempDir(), "other")
	mustTgctl(t, "cert", "ca", "--out", other)
	mustTgctl(t, "cert", "issue", "--ca", other, "--cn", idDispatch, "--out", other)
	c, err := dialTLS(url, filepath.Join(p.ca, caCertFile), filepath.Join(other, idDispatch+".crt"),
		filepath.Join(other, idDispatch+".key"), idDispatch)
	if err == nil {
		c.Disconnect(100)
		t.Error("a certificate from another CA connected")
	}
	p.mustDial(t, url, idT1).Disconnect(100) // the positive control
}

// lockedAlerts: a terminal publishes its own alert and nobody else's; an
// identity the CA signed but the inventory omits publishes nothing;
// tgdispatch reads alerts through its shared subscription.
func lockedAlerts(t *testing.T, p pki, url string) {
	alerts := listen(t, p.mustDial(t, url, idDispatch), "$share/ingest/"+wire.TerminalTopic("+", "+", wire.TopicAlert))
	t1 := p.mustDial(t, url, idT1)
	publish(t, t1, wire.TerminalTopic("S1", "T2", wire.TopicAlert), false, "forged")
	publish(t, p.mustDial(t, url, idStranger), wire.TerminalTopic("S1", "T1", wire.TopicAlert), false, "forged")
	publish(t, p.mustDial(t, url, idIT), wire.TerminalTopic("S1", "T1", wire.TopicAlert), false, "forged")
	own := wire.TerminalTopic("S1", "T1", wire.TopicAlert)
	publish(t, t1, own, false, "control")
	forbidden(t, "tgdispatch", until(t, alerts, own, "control"))
}

// lockedDispatch: only tgdispatch publishes dispatch (a terminal cannot
// forge even its own), and a terminal reads only its own.
func lockedDispatch(t *testing.T, p pki, url string) {
	d1, d2 := wire.TerminalTopic("S1", "T1", wire.TopicDispatch), wire.TerminalTopic("S1", "T2", wire.TopicDispatch)
	t1, t2 := p.mustDial(t, url, idT1), p.mustDial(t, url, idT2)
	in1 := listen(t, t1, d1, d2, wire.TerminalTopic("S1", "+", wire.TopicDispatch), "#")
	in2 := listen(t, t2, d2)
	publish(t, t1, d1, false, "forged")
	publish(t, t1, d2, false, "forged")
	publish(t, p.mustDial(t, url, idIT), d1, false, "forged")
	dispatch := p.mustDial(t, url, idDispatch)
	publish(t, dispatch, d2, false, "control")
	publish(t, dispatch, d1, false, "control")
	got1 := until(t, in1, d1, "control")
	forbidden(t, "T1", got1)
	for _, m := range got1 {
		if m.Topic() == d2 {
			t.Errorf("T1 read T2's dispatch %q", m.Payload())
		}
	}
	forbidden(t, "T2", until(t, in2, d2, "control"))
}

// lockedConfig: only bank IT publishes configuration; a terminal reads the
// fleet, its site's and its own.
func lockedConfig(t *testing.T, p pki, url string) {
	fleet := remote.FleetConfigTopic
	site := remote.ConfigTopic(config.ScopeSite, "S1", "")
	own2 := remote.ConfigTopic(config.ScopeTerminal, "S1", "T2")
	t1, t2 := p.mustDial(t, url, idT1), p.mustDial(t, url, idT2)
	in1 := listen(t, t1, remote.Subscriptions("S1", "T1")...)
	in2 := listen(t, t2, own2)
	publish(t, t1, fleet, false, "forged")
	publish(t, t1, own2, false, "forged")
	publish(t, p.mustDial(t, url, idDispatch), fleet, false, "forged")
	it := p.mustDial(t, url, idIT)
	publish(t, it, own2, false, "control")
	publish(t, it, site, false, "control")
	publish(t, it, remote.WatchlistTopic, false, "control")
	publish(t, it, fleet, false, "control")
	got := until(t, in1, fleet, "control")
	forbidden(t, "T1", got)
	if len(got) != 3 {
		t.Errorf("T1 got %s, want site config, watchlist and fleet config", describe(got))
	}
	forbidden(t, "T2", until(t, in2, own2, "control"))
}

// lockedITReads: bank IT sees status (tgctl status) but not alerts.
func lockedITReads(t *testing.T, p pki, url string) {
	in := listen(t, p.mustDial(t, url, idIT), wire.TerminalTopic("+", "+", wire.TopicAlert),
		wire.TerminalTopic("+", "+", wire.TopicStatus))
	t1 := p.mustDial(t, url, idT1)
	publish(t, t1, wire.TerminalTopic("S1", "T1", wire.TopicAlert), false, "forged")
	status := wire.TerminalTopic("S1", "T1", wire.TopicStatus)
	publish(t, t1, status, false, "control")
	forbidden(t, "bank IT", until(t, in, status, "control"))
}
