package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/transferguard/transferguard/agent/dispatchauth"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

// runDispatch signs a guard console's dispatch message and publishes it to
// a terminal (QoS 1, not retained), as tgdispatch does (CONTRACT §12).
func runDispatch(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("dispatch", stderr)
	var bf brokerFlags
	bf.register(fs)
	site := fs.String("site", "", "site id (required)")
	terminal := fs.String("terminal", "", "terminal id (required)")
	alertID := fs.String("alert", "", "alert_id of the alert (required)")
	state := fs.String("state", "", "claimed, arrived or resolved (required)")
	guard := fs.String("guard", "", "guard name shown to staff")
	eta := fs.Int("eta", 0, "seconds until the guard arrives (claimed)")
	guardName := fs.String("guard-name", "", "the guard's display name the customer sees")
	keyFile := fs.String("signing-key", "", "Ed25519 private key (PEM PKCS#8, tgctl keygen) that signs the dispatch; terminals trust it with --dispatch-key (required; --key is the broker TLS key)")
	if err := parse(fs, args); err != nil {
		return err
	}
	d, err := dispatchMessage(*site, *terminal, *alertID, *state, *guard, *eta)
	if err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("no arguments expected")
	}
	if *keyFile == "" {
		return usagef("--signing-key is required: a terminal ignores an unsigned dispatch")
	}
	d.GuardName = *guardName
	payload, err := signDispatch(d, *keyFile, time.Now())
	if err != nil {
		return err
	}
	c, err := bf.connect()
	if err != nil {
		return err
	}
	defer c.Disconnect(250)
	topic := wire.TerminalTopic(*site, *terminal, wire.TopicDispatch)
	if err := bf.publish(c, topic, false, payload); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sent %s for alert %s to %s (QoS 1)\n", d.State, d.AlertID, topic)
	return nil
}

// dispatchMessage checks the flags and builds the message.
func dispatchMessage(site, terminal, alertID, state, guard string, eta int) (envelope.Dispatch, error) {
	switch {
	case !envelope.ValidID(site) || !envelope.ValidID(terminal):
		return envelope.Dispatch{}, usagef("--site and --terminal are required: [A-Za-z0-9_-]{1,64}")
	case alertID == "" || len(alertID) > 128:
		return envelope.Dispatch{}, usagef("--alert is required (the alert_id, at most 128 bytes)")
	case !validDispatchState(wire.DispatchState(state)):
		return envelope.Dispatch{}, usagef("--state claimed|arrived|resolved, got %q", state)
	case eta < 0:
		return envelope.Dispatch{}, usagef("--eta must be >= 0 seconds")
	}
	return envelope.Dispatch{AlertID: alertID, State: wire.DispatchState(state), Guard: guard, ETAS: eta, Site: site, Terminal: terminal}, nil
}

// signDispatch dates d now and signs it with the key in keyFile.
func signDispatch(d envelope.Dispatch, keyFile string, now time.Time) ([]byte, error) {
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("read key: %w", err)
	}
	key, err := dsse.ParsePrivateKey(keyPEM)
	if err != nil {
		return nil, err
	}
	d.TS = envelope.Time(now.UTC())
	return dispatchauth.Sign(d, key)
}

func validDispatchState(s wire.DispatchState) bool {
	return s == wire.DispatchClaimed || s == wire.DispatchArrived || s == wire.DispatchResolved
}
