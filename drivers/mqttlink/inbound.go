package mqttlink

import (
	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/envelope"
)

// onMessage is paho's handler for every subscription. It runs on paho's
// router goroutine, so it never blocks: work is handed over through
// buffered channels and dropped, with a log line, when they are full.
//
// The link only routes bytes: a signed document or a signed dispatch is
// verified by the core (agent/remote, agent/dispatchauth). A message over
// its kind's size limit is handed on cut to limit+1 bytes, so the core
// reports it (too_large on config/state for a document) while no more
// than the limit is held in a channel.
func (l *Link) onMessage(_ mqtt.Client, m mqtt.Message) {
	topic, payload := m.Topic(), m.Payload()
	if topic == l.topics.Dispatch {
		l.onDispatch(payload)
		return
	}
	if len(payload) == 0 {
		// An empty retained message clears the topic: there is no document.
		l.log.Debug().Str("topic", topic).Msg("empty document ignored")
		return
	}
	limit := maxInboundPayload
	if topic == l.topics.Watchlist {
		// A police list of a million entries is about 30 MB.
		limit = dsse.MaxWatchlistEnvelope
	}
	if len(payload) > limit {
		l.log.Warn().Str("topic", topic).Int("bytes", len(payload)).Int("limit", limit).Msg("oversized document: refused as too_large")
		payload = payload[:limit+1]
	}
	doc := Document{Topic: topic, Payload: append([]byte(nil), payload...)}
	select {
	case l.docs <- doc:
	default:
		l.log.Error().Str("topic", topic).Msg("document dropped, consumer not keeping up")
	}
}

// onDispatch hands a dispatch message over as received, in Signed; the
// core checks its signature, terminal and age before anything acts on it.
func (l *Link) onDispatch(payload []byte) {
	if len(payload) == 0 {
		return
	}
	if len(payload) > dsse.MaxDispatchEnvelope {
		l.log.Warn().Int("bytes", len(payload)).Msg("oversized dispatch: refused as malformed")
		payload = payload[:dsse.MaxDispatchEnvelope+1]
	}
	select {
	case l.dispatch <- envelope.Dispatch{Signed: string(payload)}:
	default:
		l.log.Error().Int("bytes", len(payload)).Msg("dispatch dropped, consumer not keeping up")
	}
}
