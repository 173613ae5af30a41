package main

import (
	"context"
	"errors"
	"sync"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/remote"
	"github.com/transferguard/transferguard/drivers/metrics"
	"github.com/transferguard/transferguard/drivers/mqttlink"
	"github.com/transferguard/transferguard/drivers/outbox"
	"github.com/transferguard/transferguard/drivers/serialport"
)

// observed are the parts whose state --metrics exposes.
type observed struct {
	port   *serialport.Port
	outbox *outbox.Outbox
	link   *mqttlink.Link
	remote *remote.Remote
}

// startMetrics serves /metrics on addr until ctx ends (CONTRACT §11); with
// addr empty (the default) it does nothing. It hooks the port and the
// outbox, so call it before either runs. The returned wait blocks until the
// server has stopped.
func startMetrics(ctx context.Context, addr string, p observed, log zerolog.Logger) (wait func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	ln, err := metrics.Listen(addr)
	if err != nil {
		return nil, usagef("--metrics: %w", err)
	}
	m := metrics.NewAgent(metrics.Sources{
		OutboxDepth: p.outbox.Depth, OutboxOldest: p.outbox.OldestAge, States: p.link.States,
		Config: func() envelope.ConfigState { return p.remote.Snapshot() },
	})
	p.port.Observe(m)
	p.outbox.OnStored(m.Stored)
	log.Info().Str("metrics", ln.Addr().String()).Msg("serving metrics")
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := metrics.Serve(ctx, ln, m.Registry()); err != nil && !errors.Is(err, context.Canceled) {
			log.Error().Err(err).Msg("metrics server stopped")
		}
	})
	return wg.Wait, nil
}
