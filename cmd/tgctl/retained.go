package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/remote"
	"github.com/transferguard/transferguard/agent/watchlist"
	"github.com/transferguard/transferguard/agent/wire"
)

// fleetView is what the broker retains for a part of the fleet: signed
// documents by topic, and the status and config/state every terminal
// published. It is what push, policy and rollback decide on.
type fleetView struct {
	docs   map[string][]byte                // document topic → retained envelope
	seen   map[string]bool                  // "site/terminal" of every retained status
	states map[string]*envelope.ConfigState // "site/terminal" → retained config/state
	denied []string                         // filters the broker refused to let us read
}

// viewFilters are the subscriptions that show site (wire.Any for every
// site): its configuration documents, the fleet's, the watchlist, and its
// terminals' status and config/state.
func viewFilters(site string) []string {
	return []string{
		remote.FleetConfigTopic,
		remote.WatchlistTopic,
		wire.SiteConfigTopic(site),
		wire.TerminalTopic(site, wire.Any, wire.TopicConfigSet),
		wire.TerminalTopic(site, wire.Any, wire.TopicStatus),
		wire.TerminalTopic(site, wire.Any, wire.TopicConfigState),
	}
}

// readView subscribes to filters and collects the retained messages that
// arrive within wait. A retained message is sent right after the
// subscription is acknowledged, so wait only covers the network.
func (b *brokerFlags) readView(c mqtt.Client, filters []string, wait time.Duration) (*fleetView, error) {
	msgs := make(chan mqtt.Message, 4096)
	handler := func(_ mqtt.Client, m mqtt.Message) {
		select { // never block paho's goroutine
		case msgs <- m:
		default:
		}
	}
	subs := make(map[string]byte, len(filters))
	for _, f := range filters {
		subs[f] = 1
	}
	tok := c.SubscribeMultiple(subs, handler)
	if !tok.WaitTimeout(b.timeout) {
		return nil, fmt.Errorf("subscribe: no answer within %s", b.timeout)
	}
	if err := tok.Error(); err != nil {
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	v := &fleetView{docs: map[string][]byte{}, seen: map[string]bool{}, states: map[string]*envelope.ConfigState{}}
	if st, ok := tok.(*mqtt.SubscribeToken); ok {
		for f, code := range st.Result() {
			if code == 0x80 {
				v.denied = append(v.denied, f)
			}
		}
		sort.Strings(v.denied)
	}
	deadline := time.After(wait)
	for {
		select {
		case m := <-msgs:
			v.add(m.Topic(), m.Payload())
		case <-deadline:
			return v, nil
		}
	}
}

// add files one retained message; an empty one (a cleared topic) is none.
func (v *fleetView) add(topic string, payload []byte) {
	if len(payload) == 0 {
		return
	}
	if _, ok := parseDocTopic(topic); ok {
		v.docs[topic] = append([]byte(nil), payload...)
		return
	}
	site, terminal, suffix, ok := wire.SplitTerminalTopic(topic)
	if !ok {
		return
	}
	switch suffix {
	case wire.TopicStatus:
		v.seen[site+"/"+terminal] = true
	case wire.TopicConfigState:
		var s envelope.ConfigState
		if json.Unmarshal(payload, &s) == nil {
			v.states[site+"/"+terminal] = &s
		}
	}
}

// audience lists the terminals ("site/terminal", sorted) that ever
// reported a status and read documents on topic d.
func (v *fleetView) audience(d docTopic) []string {
	var out []string
	for id := range v.seen {
		site, terminal := splitID(id)
		if d.site != "" && site != d.site || d.terminal != "" && terminal != d.terminal {
			continue
		}
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// reported lists every terminal that reported, sorted.
func (v *fleetView) reported() []string {
	out := make([]string, 0, len(v.seen))
	for id := range v.seen {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// appliedVersion is the highest version of d's scope that a terminal of
// the audience reports applied on config/state, and that terminal.
func (v *fleetView) appliedVersion(d docTopic, audience []string) (int64, string) {
	var best int64
	var who string
	for _, id := range audience {
		s := v.states[id]
		if s == nil {
			continue
		}
		var ds *envelope.DocState
		switch {
		case d.kind == remote.KindWatchlist && s.Watchlist != nil:
			ds = &s.Watchlist.DocState
		case d.scope == config.ScopeFleet:
			ds = s.Config.Fleet
		case d.scope == config.ScopeSite:
			ds = s.Config.Site
		case d.scope == config.ScopeTerminal:
			ds = s.Config.Terminal
		}
		if ds != nil && ds.Version > best {
			best, who = ds.Version, id
		}
	}
	return best, who
}

// docVersion reads the version of a document's payload without verifying
// it; ok is false when the payload has no readable header.
func docVersion(kind string, payload []byte) (int64, bool) {
	if kind == remote.KindWatchlist {
		d, err := watchlist.ParseDocument(payload)
		return d.Version, err == nil
	}
	d, err := config.ParseDocument(payload)
	return d.Version, err == nil
}

func splitID(id string) (site, terminal string) {
	site, terminal, _ = strings.Cut(id, "/")
	return site, terminal
}
