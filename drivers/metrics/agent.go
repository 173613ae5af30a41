// Package metrics exposes the agent's health to Prometheus (CONTRACT §11:
// `tgagent --metrics ADDR` serves /metrics). The core knows nothing of it:
// the serial port reports through its small Observer interface, the outbox
// through OnStored, and everything else is read from existing state when
// Prometheus scrapes, so an agent with metrics off pays nothing.
package metrics

import (
	"encoding/json"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

// Sources are the agent's parts that metrics read at scrape time. Every
// function must be safe to call from any goroutine and must not block for
// long (a scrape waits on them). A nil function is left out.
type Sources struct {
	OutboxDepth  func() int
	OutboxOldest func() time.Duration
	States       func() (link, ui string)    // "up"/"down"; "up"/"down"/"off"
	Config       func() envelope.ConfigState // applied document versions
}

// Agent holds the agent's metrics. Its methods implement
// serialport.Observer and are safe for concurrent use.
type Agent struct {
	reg        *prometheus.Registry
	framesIn   *prometheus.CounterVec
	framesOut  prometheus.Counter
	naks       *prometheus.CounterVec
	ackLatency prometheus.Histogram
	alerts     *prometheus.CounterVec
	opens      prometheus.Counter
}

// NewAgent registers the agent's metrics, the Go runtime's and the
// process's on a registry of their own.
func NewAgent(src Sources) *Agent {
	a := &Agent{
		reg: prometheus.NewRegistry(),
		framesIn: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tgagent_serial_frames_received_total",
			Help: "Valid new frames received from the terminal controller, by TYPE."}, []string{"type"}),
		framesOut: prometheus.NewCounter(prometheus.CounterOpts{Name: "tgagent_serial_frames_sent_total",
			Help: "Frames written to the terminal controller (ACK, NAK, HB, HOLD, RELEASE, SCREEN)."}),
		naks: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tgagent_serial_naks_total",
			Help: "NAKs written, by reason."}, []string{"reason"}),
		ackLatency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "tgagent_serial_ack_latency_seconds",
			Help:    "Time from reading a frame to writing its ACK (the contract allows 50 ms).",
			Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1}}),
		alerts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tgagent_alerts_total",
			Help: "New alerts stored for delivery, by kind and level (updates not counted)."}, []string{"kind", "level"}),
		opens: prometheus.NewCounter(prometheus.CounterOpts{Name: "tgagent_serial_opens_total",
			Help: "Times the serial device was opened; above 1 means it was lost and reopened."}),
	}
	a.reg.MustRegister(a.framesIn, a.framesOut, a.naks, a.ackLatency, a.alerts, a.opens,
		stateCollector{src: src},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return a
}

// Registry is what the /metrics handler serves.
func (a *Agent) Registry() *prometheus.Registry { return a.reg }

// Received counts a valid new frame.
func (a *Agent) Received(t wire.FrameType) { a.framesIn.WithLabelValues(string(t)).Inc() }

// Refused counts a NAK.
func (a *Agent) Refused(r wire.NakReason) { a.naks.WithLabelValues(string(r)).Inc() }

// Sent counts frames written.
func (a *Agent) Sent(n int) { a.framesOut.Add(float64(n)) }

// Answered records one ACK's latency.
func (a *Agent) Answered(d time.Duration) { a.ackLatency.Observe(d.Seconds()) }

// Opened counts a device open.
func (a *Agent) Opened() { a.opens.Inc() }

// Stored counts a new alert once it is durable (outbox.OnStored); other
// messages and alert updates are ignored. Only kind and level are read:
// the payload's card fields never reach a label.
func (a *Agent) Stored(m envelope.Message) {
	if m.Topic != wire.TopicAlert {
		return
	}
	var head struct {
		Type  wire.MessageType `json:"type"`
		Kind  wire.AlertKind   `json:"kind"`
		Level wire.Level       `json:"level"`
	}
	if json.Unmarshal(m.Payload, &head) != nil || head.Type != wire.TypeAlert {
		return
	}
	a.alerts.WithLabelValues(string(head.Kind), string(head.Level)).Inc()
}
