// Package metrics exposes tgdispatch to Prometheus (CONTRACT §11:
// `tgdispatch --metrics ADDR`): open incidents by kind, level and state,
// how long guards take to claim and to arrive, notification outcomes and
// how late alerts reach the desk. It watches the service from outside —
// through the console feed, the ingest Handler seam and store reads at
// scrape time — so the service itself knows nothing of Prometheus.
package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/transferguard/transferguard/dispatch/incident"
)

// Store is what the metrics read from the incident store. Both calls must
// be safe for concurrent use.
type Store interface {
	// Open lists every unresolved incident (it runs at each scrape).
	Open(ctx context.Context) ([]incident.Incident, error)
	// Incident reads one incident, to time its claim and arrival.
	Incident(ctx context.Context, id string) (incident.Incident, error)
}

// Dispatch holds tgdispatch's metrics. Its methods are safe for concurrent use.
type Dispatch struct {
	reg           *prometheus.Registry
	store         Store
	steps         *prometheus.CounterVec
	toClaim       prometheus.Histogram
	toArrive      prometheus.Histogram
	notifications *prometheus.CounterVec
	lag           prometheus.Histogram
	messages      *prometheus.CounterVec
	now           func() time.Time
}

// guardBuckets span a guard's walk: seconds to a quarter of an hour.
var guardBuckets = []float64{5, 10, 20, 30, 60, 90, 120, 180, 300, 600, 900}

// New registers tgdispatch's metrics, the Go runtime's and the process's.
func New(st Store, now func() time.Time) *Dispatch {
	d := &Dispatch{
		reg: prometheus.NewRegistry(), store: st, now: now,
		steps: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tgdispatch_incident_steps_total",
			Help: "Incident steps seen by this instance's consoles (raised, claimed, arrived, resolved, escalated…), by level."},
			[]string{"action", "level"}),
		toClaim: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "tgdispatch_time_to_claim_seconds",
			Help: "From the incident opening to a guard claiming it.", Buckets: guardBuckets}),
		toArrive: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "tgdispatch_time_to_arrive_seconds",
			Help: "From the incident opening to a guard arriving at the terminal.", Buckets: guardBuckets}),
		notifications: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tgdispatch_notifications_total",
			Help: "Notifications sent, by channel and outcome (sent, failed, dropped)."}, []string{"channel", "outcome"}),
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "tgdispatch_ingest_lag_seconds",
			Help:    "From an alert's own timestamp to this instance handling it (clock skew included).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tgdispatch_messages_total",
			Help: "Agent messages handled by this instance, by topic (alert, status, session, config/state)."}, []string{"topic"}),
	}
	d.reg.MustRegister(d.steps, d.toClaim, d.toArrive, d.notifications, d.lag, d.messages, openCollector{st},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return d
}

// Registry is what the /metrics handler serves.
func (d *Dispatch) Registry() *prometheus.Registry { return d.reg }

// Notified counts one notification attempt; the notification senders of
// CONTRACT §10 call it with their channel name and "sent", "failed" or
// "dropped".
func (d *Dispatch) Notified(channel, outcome string) {
	d.notifications.WithLabelValues(channel, outcome).Inc()
}

// ingested records how late an alert stamped ts was handled.
func (d *Dispatch) ingested(ts time.Time) {
	if !ts.IsZero() {
		d.lag.Observe(max(d.now().Sub(ts), 0).Seconds())
	}
}

// stepped counts a step and, for a claim or an arrival, times it.
func (d *Dispatch) stepped(ctx context.Context, id, action, level string) {
	d.steps.WithLabelValues(action, level).Inc()
	if action != incident.ActionClaimed && action != incident.ActionArrived {
		return
	}
	i, err := d.store.Incident(ctx, id)
	if err != nil {
		return // the next scrape still shows the incident's state
	}
	switch {
	case action == incident.ActionClaimed && !i.ClaimedAt.IsZero():
		d.toClaim.Observe(i.ClaimedAt.Sub(i.Created).Seconds())
	case action == incident.ActionArrived && !i.ArrivedAt.IsZero():
		d.toArrive.Observe(i.ArrivedAt.Sub(i.Created).Seconds())
	}
}
