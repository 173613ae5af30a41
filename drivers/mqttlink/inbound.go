package mqttlink

import (
	"encoding/json"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

// onMessage is paho's handler for every subscription. It runs on paho's
// router goroutine, so it never blocks: work is handed over through
// buffered channels and dropped, with a log line, when they are full.
func (l *Link) onMessage(_ mqtt.Client, m mqtt.Message) {
	topic, payload := m.Topic(), m.Payload()
	limit := maxInboundPayload
	if topic == l.topics.Watchlist {
		// A police list of a million entries is about 30 MB; anything up to
		// the envelope limit goes on to be verified, and refused there with
		// a reason on config/state if it is too large.
		limit = dsse.MaxWatchlistEnvelope + 1
	}
	if len(payload) > limit {
		l.log.Warn().Str("topic", topic).Int("bytes", len(payload)).Msg("oversized message dropped")
		return
	}
	if topic == l.topics.Dispatch {
		l.onDispatch(payload)
		return
	}
	if len(payload) == 0 {
		// An empty retained message clears the topic: there is no document.
		l.log.Debug().Str("topic", topic).Msg("empty document ignored")
		return
	}
	doc := Document{Topic: topic, Payload: append([]byte(nil), payload...)}
	select {
	case l.docs <- doc:
	default:
		l.log.Error().Str("topic", topic).Msg("document dropped, consumer not keeping up")
	}
}

// onDispatch decodes a dispatch message and hands it over.
func (l *Link) onDispatch(payload []byte) {
	d, ok := ParseDispatch(payload)
	if !ok {
		l.log.Warn().Int("bytes", len(payload)).Msg("malformed dispatch dropped")
		return
	}
	select {
	case l.dispatch <- d:
	default:
		l.log.Error().Str("alert_id", d.AlertID).Msg("dispatch dropped, consumer not keeping up")
	}
}

// ParseDispatch decodes a dispatch payload; ok is false unless it is a JSON
// object with an alert_id and a known state.
func ParseDispatch(payload []byte) (d envelope.Dispatch, ok bool) {
	if err := json.Unmarshal(payload, &d); err != nil {
		return envelope.Dispatch{}, false
	}
	if d.AlertID == "" || len(d.AlertID) > 128 || d.ETAS < 0 {
		return envelope.Dispatch{}, false
	}
	switch d.State {
	case wire.DispatchClaimed, wire.DispatchArrived, wire.DispatchResolved:
		return d, true
	}
	return envelope.Dispatch{}, false
}
