// Package ingest connects tgdispatch to the broker: it reads alerts and
// session records through a shared subscription ($share/<group>/…), so
// several instances split the load, reads the retained status and
// configuration state of every terminal, and publishes the dispatch
// messages guards' steps produce (CONTRACT §4).
//
// A message is acknowledged to the broker only after it is handled (the
// store committed it), so a crash loses nothing: the broker delivers it
// again and the store's de-duplication drops the copy.
package ingest

import (
	"encoding/json"
	"fmt"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

// maxPayload bounds what is decoded; bigger messages are dropped.
const maxPayload = 64 << 10

// Message is a decoded inbound message; exactly one of the pointers is set.
type Message struct {
	Site, Terminal string
	Alert          *envelope.Alert
	Status         *envelope.Status
	Session        *envelope.SessionRecord
	Config         *envelope.ConfigState
}

// Parse decodes a message by its topic, tg/v1/<site>/<terminal>/<kind>.
// The topic names the terminal (broker ACLs bind it to the client); a
// payload naming another site or terminal is refused.
func Parse(topic string, payload []byte) (Message, error) {
	site, terminal, suffix, ok := wire.SplitTerminalTopic(topic)
	if !ok || !envelope.ValidID(site) || !envelope.ValidID(terminal) {
		return Message{}, fmt.Errorf("ingest: topic %q is not %s/<site>/<terminal>/…", topic, wire.Prefix)
	}
	if len(payload) > maxPayload {
		return Message{}, fmt.Errorf("ingest: %s: payload of %d bytes exceeds %d", topic, len(payload), maxPayload)
	}
	m := Message{Site: site, Terminal: terminal}
	var err error
	switch suffix {
	case wire.TopicAlert:
		m.Alert = &envelope.Alert{}
		if err = json.Unmarshal(payload, m.Alert); err == nil {
			err = m.own(&m.Alert.Site, &m.Alert.Terminal)
		}
	case wire.TopicSession:
		m.Session = &envelope.SessionRecord{}
		if err = json.Unmarshal(payload, m.Session); err == nil {
			err = m.own(&m.Session.Site, &m.Session.Terminal)
		}
	case wire.TopicStatus:
		m.Status = &envelope.Status{}
		err = json.Unmarshal(payload, m.Status)
		if err == nil && m.Status.State != "online" && m.Status.State != "offline" {
			err = fmt.Errorf("state %q is neither online nor offline", m.Status.State)
		}
	case wire.TopicConfigState:
		m.Config = &envelope.ConfigState{}
		err = json.Unmarshal(payload, m.Config)
	default:
		return Message{}, fmt.Errorf("ingest: topic %q: unknown kind", topic)
	}
	if err != nil {
		return Message{}, fmt.Errorf("ingest: %s: %w", topic, err)
	}
	return m, nil
}

// own fills an empty site/terminal from the topic and refuses a different one.
func (m Message) own(site, terminal *string) error {
	if *site == "" {
		*site = m.Site
	}
	if *terminal == "" {
		*terminal = m.Terminal
	}
	if *site != m.Site || *terminal != m.Terminal {
		return fmt.Errorf("payload names %s/%s, topic %s/%s", *site, *terminal, m.Site, m.Terminal)
	}
	return nil
}

// DispatchTopic is where a terminal listens for dispatch messages.
func DispatchTopic(site, terminal string) string {
	return wire.TerminalTopic(site, terminal, wire.TopicDispatch)
}
