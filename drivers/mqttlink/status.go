package mqttlink

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/transferguard/transferguard/agent/envelope"
)

// SetLink records whether the serial link to the terminal controller is
// up; the retained status is republished when it changes.
func (l *Link) SetLink(up bool) {
	state := "down"
	if up {
		state = "up"
	}
	l.mu.Lock()
	changed := l.link != state
	l.link = state
	l.mu.Unlock()
	if changed {
		l.wake()
	}
}

// SetUI records the screen process state: "up", "down" or "off" (no
// display configured). Other values are logged and ignored.
func (l *Link) SetUI(state string) {
	switch state {
	case "up", "down", "off":
	default:
		l.log.Warn().Str("ui", state).Msg("unknown ui state ignored")
		return
	}
	l.mu.Lock()
	changed := l.ui != state
	l.ui = state
	l.mu.Unlock()
	if changed {
		l.wake()
	}
}

// States returns the serial link state ("up", "down") and the screen
// process state ("up", "down", "off") as last reported, for metrics.
func (l *Link) States() (link, ui string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.link, l.ui
}

// SetConfigState publishes payload retained on config/state and keeps it,
// to publish again after every reconnect. The payload is copied.
func (l *Link) SetConfigState(payload []byte) {
	l.mu.Lock()
	l.configState = append([]byte(nil), payload...)
	l.configDirty = true
	l.mu.Unlock()
	l.wake()
}

// wake tells Run that something retained changed, without blocking.
func (l *Link) wake() {
	select {
	case l.poke <- struct{}{}:
	default:
	}
}

// statusPayload encodes the status with the current link, ui and storage.
func (l *Link) statusPayload(state string) ([]byte, error) {
	l.mu.Lock()
	st := envelope.Status{
		State: state, TS: l.now().UTC(), Boot: l.cfg.Boot,
		Agent: l.cfg.AgentVersion, Link: l.link, UI: l.ui, Storage: l.ob.Storage(),
	}
	l.mu.Unlock()
	b, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("mqttlink: encode status: %w", err)
	}
	return b, nil
}

// announce publishes the retained online status if it changed (always
// when force, i.e. on connect) and the retained config state if it was set
// since (always when force). It runs on Run's goroutine only.
func (l *Link) announce(ctx context.Context, c *conn, force bool) error {
	l.mu.Lock()
	key := l.link + "|" + l.ui + "|" + l.ob.Storage()
	cs, csDirty := l.configState, l.configDirty
	l.configDirty = false
	l.mu.Unlock()
	if force || key != l.sentStatus {
		payload, err := l.statusPayload("online")
		if err != nil {
			return err
		}
		tok := c.client.Publish(l.topics.Status, publishQoS, true, payload)
		if err := await(ctx, tok, l.cfg.AckTimeout); err != nil {
			return fmt.Errorf("mqttlink: publish status: %w", err)
		}
		l.sentStatus = key
	}
	if cs != nil && (force || csDirty) {
		tok := c.client.Publish(l.topics.ConfigState, publishQoS, true, cs)
		if err := await(ctx, tok, l.cfg.AckTimeout); err != nil {
			l.mu.Lock()
			l.configDirty = true
			l.mu.Unlock()
			return fmt.Errorf("mqttlink: publish config state: %w", err)
		}
	}
	return nil
}
