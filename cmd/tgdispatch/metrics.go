package main

import (
	"context"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/dispatch/feed"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/ingest"
	dmetrics "github.com/transferguard/transferguard/dispatch/metrics"
	"github.com/transferguard/transferguard/dispatch/store"
	"github.com/transferguard/transferguard/drivers/metrics"
)

// startMetrics serves /metrics on addr until ctx ends (CONTRACT §11). It
// returns h wrapped to time alert arrival, and a wait that blocks until
// the server and the feed follower have stopped. With addr empty (the
// default) h is returned as it is and nothing runs.
func startMetrics(ctx context.Context, addr string, st *store.Store, hub *feed.Hub, h ingest.Handler, log zerolog.Logger) (ingest.Handler, func(), error) {
	if addr == "" {
		return h, func() {}, nil
	}
	ln, err := metrics.Listen(addr)
	if err != nil {
		return nil, nil, usageError{err}
	}
	m := dmetrics.New(storeReads{st}, time.Now)
	log.Info().Str("metrics", ln.Addr().String()).Msg("serving metrics")
	var wg sync.WaitGroup
	wg.Go(func() { m.Follow(ctx, hub) })
	wg.Go(func() {
		if err := metrics.Serve(ctx, ln, m.Registry()); err != nil {
			log.Error().Err(err).Msg("metrics server stopped")
		}
	})
	return m.Handler(h), wg.Wait, nil
}

// storeReads gives the metrics read-only access to the store.
type storeReads struct{ st *store.Store }

func (s storeReads) Open(ctx context.Context) (open []incident.Incident, err error) {
	err = s.st.Tx(ctx, func(q store.Queries) error {
		open, err = q.OpenIncidents(ctx, nil)
		return err
	})
	return open, err
}

func (s storeReads) Incident(ctx context.Context, id string) (i incident.Incident, err error) {
	err = s.st.Tx(ctx, func(q store.Queries) error {
		i, err = q.Incident(ctx, id)
		return err
	})
	return i, err
}
