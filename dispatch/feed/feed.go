// Package feed fans incident changes out to the consoles that are open
// (Server-Sent Events), each seeing only the sites it may see. Publishing
// never blocks: a console too slow to keep up is cut off, and its browser
// reconnects and reloads the list, which is always right.
package feed

import "sync"

// Event is one change worth redrawing a console for.
type Event struct {
	Kind     string `json:"kind"` // "incident" or "terminal"
	ID       string `json:"id,omitempty"`
	AlertID  string `json:"alert_id,omitempty"`
	Site     string `json:"site"`
	Terminal string `json:"terminal"`
	Action   string `json:"action"` // the step: raised, claimed, escalated…, or a terminal state
	Level    string `json:"level,omitempty"`
	State    string `json:"state,omitempty"`
}

// buffer is how many events a subscriber may lag behind before it is cut off.
const buffer = 256

// Hub is the set of open subscriptions. The zero value is ready to use.
type Hub struct {
	mu    sync.Mutex
	subs  map[*Sub]struct{}
	relay func(Event) // also tells other instances (PG); nil: this one only
}

// Relay makes every Publish also hand the event to f (which must not
// block), so consoles connected to other instances hear of it too. Set it
// before the first Publish.
func (h *Hub) Relay(f func(Event)) {
	h.mu.Lock()
	h.relay = f
	h.mu.Unlock()
}

// Sub is one console's subscription. C is closed when the hub cuts it off
// (it fell behind) or when Close is called.
type Sub struct {
	C      <-chan Event
	c      chan Event
	filter func(site string) bool
	hub    *Hub
	closed bool
}

// Subscribe opens a subscription to the events of sites filter accepts.
func (h *Hub) Subscribe(filter func(site string) bool) *Sub {
	c := make(chan Event, buffer)
	s := &Sub{C: c, c: c, filter: filter, hub: h}
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[*Sub]struct{}{}
	}
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Close ends the subscription; calling it twice is harmless.
func (s *Sub) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	s.closeLocked()
}

func (s *Sub) closeLocked() {
	if s.closed {
		return
	}
	s.closed = true
	delete(s.hub.subs, s)
	close(s.c)
}

// Publish hands e to every subscription that may see its site, and to the
// relay, without blocking.
func (h *Hub) Publish(e Event) {
	h.mu.Lock()
	relay := h.relay
	h.fanout(e)
	h.mu.Unlock()
	if relay != nil {
		relay(e)
	}
}

// PublishLocal hands e to this instance's subscriptions only, never to the
// relay: for what every instance finds out by itself (the poll of the
// store), which relaying would only repeat.
func (h *Hub) PublishLocal(e Event) { h.deliver(e) }

// deliver hands an event another instance published to this instance's
// subscriptions only (it is not relayed back).
func (h *Hub) deliver(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fanout(e)
}

// fanout is Publish's delivery; h.mu is held.
func (h *Hub) fanout(e Event) {
	for s := range h.subs {
		if !s.filter(e.Site) {
			continue
		}
		select {
		case s.c <- e:
		default:
			s.closeLocked()
		}
	}
}

// Len is the number of open subscriptions.
func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}
