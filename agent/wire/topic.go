package wire

import "strings"

// Prefix is the root of every transferguard MQTT topic (CONTRACT §4).
const Prefix = "tg/v1"

// Any is the MQTT single-level wildcard, for subscriptions that span sites
// or terminals.
const Any = "+"

// Suffix is a topic below tg/v1/<site>/<terminal>/.
type Suffix string

// Per-terminal topics.
const (
	TopicStatus      Suffix = "status"       // agent →, retained
	TopicAlert       Suffix = "alert"        // agent →
	TopicSession     Suffix = "session"      // agent →
	TopicConfigState Suffix = "config/state" // agent →, retained
	TopicDispatch    Suffix = "dispatch"     // console → agent, signed
	TopicConfigSet   Suffix = "config/set"   // bank IT → agent, retained, signed
)

// Fleet-wide signed document topics (retained, → agent).
const (
	FleetConfigTopic = Prefix + "/config/set"
	WatchlistTopic   = Prefix + "/watchlist/set"
)

// TerminalTopic is the topic tg/v1/<site>/<terminal>/<suffix>. Either id
// may be Any in a subscription filter.
func TerminalTopic(site, terminal string, s Suffix) string {
	return Prefix + "/" + site + "/" + terminal + "/" + string(s)
}

// SiteConfigTopic is tg/v1/<site>/config/set.
func SiteConfigTopic(site string) string {
	return Prefix + "/" + site + "/" + string(TopicConfigSet)
}

// SplitTerminalTopic reads tg/v1/<site>/<terminal>/<suffix>; ok is false
// for any other shape.
func SplitTerminalTopic(topic string) (site, terminal string, s Suffix, ok bool) {
	rest, found := strings.CutPrefix(topic, Prefix+"/")
	if !found {
		return "", "", "", false
	}
	p := strings.SplitN(rest, "/", 3)
	if len(p) != 3 || p[0] == "" || p[1] == "" || p[2] == "" {
		return "", "", "", false
	}
	return p[0], p[1], Suffix(p[2]), true
}
