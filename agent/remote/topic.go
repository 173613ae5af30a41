package remote

import (
	"strings"

	"github.com/transferguard/transferguard/agent/config"
)

// Topics of signed documents (CONTRACT §4).
const (
	FleetConfigTopic = "tg/v1/config/set"
	WatchlistTopic   = "tg/v1/watchlist/set"
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
		return "tg/v1/" + site + "/config/set"
	case config.ScopeTerminal:
		return "tg/v1/" + site + "/" + terminal + "/config/set"
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
	p := strings.Split(topic, "/")
	if len(p) < 5 || p[0] != "tg" || p[1] != "v1" || p[len(p)-2] != "config" || p[len(p)-1] != "set" {
		return target{}, false
	}
	switch len(p) {
	case 5:
		return target{kind: KindConfig, scope: config.ScopeSite, site: p[2]}, true
	case 6:
		return target{kind: KindConfig, scope: config.ScopeTerminal, site: p[2], terminal: p[3]}, true
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
