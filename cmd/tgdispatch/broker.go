package main

import (
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/transferguard/transferguard/dispatch/ingest"
	"github.com/transferguard/transferguard/drivers/mqttlink"
)

// brokerConfig is the ingest configuration the flags ask for: the broker,
// the account (password from $TGDISPATCH_BROKER_PASSWORD) and TLS by
// mqttlink.TLSConfig, the setup tgagent and tgctl use too — the broker
// verified against --ca (else the system roots) and --cert/--key as the
// client certificate for mutual TLS.
func brokerConfig(f serveFlags) (ingest.Config, error) {
	c := ingest.Config{Broker: f.broker, ClientID: f.clientID, Group: f.group, Username: f.brokerUser,
		Password: os.Getenv("TGDISPATCH_BROKER_PASSWORD"), Workers: f.workers, LeaveOnStop: f.leaveOnStop}
	if f.ca != "" || f.cert != "" || f.key != "" || brokerEncrypted(f.broker) {
		tc, err := mqttlink.TLSConfig(f.ca, f.cert, f.key)
		if err != nil {
			return c, usageError{err}
		}
		c.TLS = tc
	}
	return c, nil
}

// brokerEncrypted tells whether the broker URL's scheme means TLS.
func brokerEncrypted(broker string) bool {
	u, err := url.Parse(broker)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "ssl", "tls", "mqtts", "wss":
		return true
	}
	return false
}

// brokerLoopback tells whether the broker URL names this machine.
func brokerLoopback(broker string) bool {
	u, err := url.Parse(broker)
	if err != nil {
		return false
	}
	return loopbackHost(u.Hostname())
}

// loopbackHost tells whether host is a loopback address or "localhost".
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
