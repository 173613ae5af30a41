package remote

import (
	"strings"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/wire"
)

// Topics of signed documents (CONTRACT §4).
const (
	FleetConfigTopic = wire.FleetConfigTopic
	WatchlistTopic   = wire.WatchlistTopic
)

// Document kinds.
const (
	KindConfig    = "config"
	KindWatchlist = "watchlist"
)

// ConfigTopic returns the topic of a configuration document for scope
// (site and terminal are used where the scope needs them).
func ConfigTopic(scope, site, terminal string) string {
	switch scope {
	case config.ScopeSite:
		return wire.SiteConfigTopic(site)
	case config.ScopeTerminal:
		return wire.TerminalTopic(site, terminal, wire.TopicConfigSet)
	default:
		return FleetConfigTopic
	}
}

// Subscriptions returns every topic a terminal reads signed documents
// from: its fleet, site and terminal configuration and the watchlist.
func Subscriptions(site, terminal string) []string {
	return []string{
		FleetConfigTopic,
		ConfigTopic(config.ScopeSite, site, ""),
		ConfigTopic(config.ScopeTerminal, site, terminal),
		WatchlistTopic,
	}
}

// target is what a topic addresses.
type target struct {
	kind, scope, site, terminal string
}

// parseTopic reads a document topic; ok is false for any other topic.
func parseTopic(topic string) (target, bool) {
	switch topic {
	case FleetConfigTopic:
		return target{kind: KindConfig, scope: config.ScopeFleet}, true
	case WatchlistTopic:
		return target{kind: KindWatchlist}, true
	}
	rest, ok := strings.CutPrefix(topic, wire.Prefix+"/")
	if !ok {
		return target{}, false
	}
	rest, ok = strings.CutSuffix(rest, "/"+string(wire.TopicConfigSet))
	if !ok {
		return target{}, false
	}
	p := strings.Split(rest, "/")
	switch len(p) {
	case 1:
		return target{kind: KindConfig, scope: config.ScopeSite, site: p[0]}, true
	case 2:
		return target{kind: KindConfig, scope: config.ScopeTerminal, site: p[0], terminal: p[1]}, true
	}
	return target{}, false
}

// storeName is the Store name of a document kind and scope.
func storeName(kind, scope string) string {
	if kind == KindWatchlist {
		return "watchlist"
	}
	return "config-" + scope
}
