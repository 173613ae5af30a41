package main

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/dispatchauth"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/drivers/mqttlink"
)

// gateDispatch starts the check of every dispatch the link receives
// against the --dispatch-key keys (CONTRACT §12) and returns the channel
// of those that pass. With no key it warns loudly and passes nothing.
func gateDispatch(ctx context.Context, o *options, link *mqttlink.Link, goRun func(string, func() error), log zerolog.Logger) (<-chan envelope.Dispatch, error) {
	ring, err := loadTrust(o.dispKeys)
	if err != nil {
		return nil, usagef("dispatch key: %w", err)
	}
	v, err := dispatchauth.New(dispatchauth.Options{Keys: ring, Site: o.site, Terminal: o.terminal, Clock: clock.Real{}})
	if err != nil {
		return nil, err
	}
	gate := dispatchauth.NewGate(v, log)
	out := make(chan envelope.Dispatch, 4)
	goRun("dispatch", func() error { return gate.Run(ctx, link.Dispatch(), out) })
	return out, nil
}
