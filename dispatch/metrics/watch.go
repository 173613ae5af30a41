package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/dispatch/feed"
	"github.com/transferguard/transferguard/dispatch/ingest"
)

// Follow counts the incident steps the hub carries until ctx ends. A
// subscription the hub cuts off (metrics fell behind) is opened again.
func (d *Dispatch) Follow(ctx context.Context, hub *feed.Hub) {
	for ctx.Err() == nil {
		sub := hub.Subscribe(func(string) bool { return true })
		d.drain(ctx, sub)
		sub.Close()
	}
}

func (d *Dispatch) drain(ctx context.Context, sub *feed.Sub) {
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-sub.C:
			if !ok {
				return
			}
			if e.Kind == "incident" {
				d.stepped(ctx, e.ID, e.Action, e.Level)
			}
		}
	}
}

// Handler wraps the ingest Handler h to time each alert's arrival.
func (d *Dispatch) Handler(h ingest.Handler) ingest.Handler { return handler{h, d} }

type handler struct {
	ingest.Handler
	d *Dispatch
}

func (h handler) HandleAlert(ctx context.Context, a envelope.Alert) error {
	h.d.messages.WithLabelValues(string(wire.TopicAlert)).Inc()
	h.d.ingested(time.Time(a.TS))
	return h.Handler.HandleAlert(ctx, a)
}

// HandleBatch counts and times each message of a batch, then hands the
// batch over in one piece (group commit) when the wrapped handler takes
// batches, else message by message.
func (h handler) HandleBatch(ctx context.Context, msgs []ingest.Message) []error {
	for _, m := range msgs {
		h.count(m)
	}
	if bh, ok := h.Handler.(ingest.BatchHandler); ok {
		return bh.HandleBatch(ctx, msgs)
	}
	errs := make([]error, len(msgs))
	for n, m := range msgs {
		switch {
		case m.Alert != nil:
			errs[n] = h.Handler.HandleAlert(ctx, *m.Alert)
		case m.Session != nil:
			errs[n] = h.Handler.HandleSession(ctx, *m.Session)
		case m.Status != nil:
			errs[n] = h.Handler.HandleStatus(ctx, m.Site, m.Terminal, *m.Status)
		case m.Config != nil:
			errs[n] = h.Handler.HandleConfigState(ctx, m.Site, m.Terminal, *m.Config)
		}
	}
	return errs
}

// count is what the single Handle… methods count of one message.
func (h handler) count(m ingest.Message) {
	switch {
	case m.Alert != nil:
		h.d.messages.WithLabelValues(string(wire.TopicAlert)).Inc()
		h.d.ingested(time.Time(m.Alert.TS))
	case m.Session != nil:
		h.d.messages.WithLabelValues(string(wire.TopicSession)).Inc()
	case m.Status != nil:
		h.d.messages.WithLabelValues(string(wire.TopicStatus)).Inc()
	case m.Config != nil:
		h.d.messages.WithLabelValues(string(wire.TopicConfigState)).Inc()
	}
}

func (h handler) HandleStatus(ctx context.Context, site, terminal string, st envelope.Status) error {
	h.d.messages.WithLabelValues(string(wire.TopicStatus)).Inc()
	return h.Handler.HandleStatus(ctx, site, terminal, st)
}

func (h handler) HandleSession(ctx context.Context, r envelope.SessionRecord) error {
	h.d.messages.WithLabelValues(string(wire.TopicSession)).Inc()
	return h.Handler.HandleSession(ctx, r)
}

func (h handler) HandleConfigState(ctx context.Context, site, terminal string, st envelope.ConfigState) error {
	h.d.messages.WithLabelValues(string(wire.TopicConfigState)).Inc()
	return h.Handler.HandleConfigState(ctx, site, terminal, st)
}

var descOpen = prometheus.NewDesc("tgdispatch_incidents_open",
	"Unresolved incidents by kind, level and state, read from the store at scrape time.",
	[]string{"kind", "level", "state"}, nil)

// openCollector counts the open incidents in the store when scraped.
type openCollector struct{ st Store }

func (c openCollector) Describe(ch chan<- *prometheus.Desc) { ch <- descOpen }

func (c openCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	open, err := c.st.Open(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descOpen, err)
		return
	}
	type key struct{ kind, level, state string }
	n := map[key]int{}
	for _, i := range open {
		n[key{i.Kind, i.Level, i.State}]++
	}
	for k, v := range n {
		ch <- prometheus.MustNewConstMetric(descOpen, prometheus.GaugeValue, float64(v), k.kind, k.level, k.state)
	}
}
