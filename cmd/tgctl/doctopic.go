package main

import (
	"fmt"
	"strings"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/remote"
	"github.com/transferguard/transferguard/agent/wire"
)

// docTopic is a topic that carries a signed document (CONTRACT §4): the
// fleet, site or terminal configuration, or the watchlist. push, clear,
// policy and rollback accept no other topic.
type docTopic struct {
	kind, scope, site, terminal string
}

// String is the MQTT topic.
func (d docTopic) String() string {
	if d.kind == remote.KindWatchlist {
		return remote.WatchlistTopic
	}
	return remote.ConfigTopic(d.scope, d.site, d.terminal)
}

// parseDocTopic reads a document topic; ok is false for any other topic,
// a wildcard or an empty id.
func parseDocTopic(topic string) (docTopic, bool) {
	switch topic {
	case remote.FleetConfigTopic:
		return docTopic{kind: remote.KindConfig, scope: config.ScopeFleet}, true
	case remote.WatchlistTopic:
		return docTopic{kind: remote.KindWatchlist}, true
	}
	rest, ok := strings.CutPrefix(topic, wire.Prefix+"/")
	if !ok {
		return docTopic{}, false
	}
	rest, ok = strings.CutSuffix(rest, "/"+string(wire.TopicConfigSet))
	if !ok {
		return docTopic{}, false
	}
	p := strings.Split(rest, "/")
	for _, id := range p {
		if id == "" || strings.ContainsAny(id, "+#") {
			return docTopic{}, false
		}
	}
	switch len(p) {
	case 1:
		return docTopic{kind: remote.KindConfig, scope: config.ScopeSite, site: p[0]}, true
	case 2:
		return docTopic{kind: remote.KindConfig, scope: config.ScopeTerminal, site: p[0], terminal: p[1]}, true
	}
	return docTopic{}, false
}

// scopeTopic builds a configuration topic from --scope/--site/--terminal.
func scopeTopic(scope, site, terminal string) (docTopic, error) {
	switch {
	case scope == config.ScopeFleet && site == "" && terminal == "":
	case scope == config.ScopeSite && site != "" && terminal == "":
	case scope == config.ScopeTerminal && site != "" && terminal != "":
	default:
		return docTopic{}, usagef("--scope fleet, --scope site --site S, or --scope terminal --site S --terminal T")
	}
	d := docTopic{kind: remote.KindConfig, scope: scope, site: site, terminal: terminal}
	if _, ok := parseDocTopic(d.String()); !ok {
		return docTopic{}, usagef("%q is not a document topic (ids must not be empty or contain / + #)", d.String())
	}
	return d, nil
}

// topicFlag reads --topic: it must be a document topic.
func topicFlag(topic string) (docTopic, error) {
	d, ok := parseDocTopic(topic)
	if !ok {
		return docTopic{}, usagef("%q is not a document topic: want %s, %s, %s or %s", topic,
			remote.FleetConfigTopic, wire.SiteConfigTopic("<site>"),
			wire.TerminalTopic("<site>", "<terminal>", wire.TopicConfigSet), remote.WatchlistTopic)
	}
	return d, nil
}

// envelopeTopic decides the topic of an envelope: --topic, or
// --scope/--site/--terminal, or the document's own scope and ids.
func envelopeTopic(env *dsse.Envelope, topic, scope, site, terminal string) (docTopic, error) {
	switch {
	case topic != "" && scope != "":
		return docTopic{}, usagef("--topic and --scope exclude each other")
	case topic != "":
		return topicFlag(topic)
	case env.PayloadType == dsse.TypeWatchlist:
		if scope != "" {
			return docTopic{}, usagef("a watchlist has no scope")
		}
		return docTopic{kind: remote.KindWatchlist}, nil
	case env.PayloadType != dsse.TypeConfig:
		return docTopic{}, fmt.Errorf("%w: payload type %q; give --topic", errNoTopic, env.PayloadType)
	case scope != "":
		return scopeTopic(scope, site, terminal)
	}
	doc, err := config.ParseDocument(env.Payload)
	if err != nil {
		return docTopic{}, fmt.Errorf("%w: %v", errNoTopic, err)
	}
	return scopeTopic(doc.Scope, doc.Site, doc.Terminal)
}
