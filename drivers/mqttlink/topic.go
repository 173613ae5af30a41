package mqttlink

import (
	"fmt"

	"github.com/transferguard/transferguard/agent/envelope"
)

// Root is the prefix of every transferguard topic (CONTRACT §4).
const Root = "tg/v1"

// Fleet-wide document topics (retained, → agent).
const (
	TopicFleetConfig = Root + "/config/set"
	TopicWatchlist   = Root + "/watchlist/set"
)

// Topics names every topic one terminal uses. Build it with NewTopics.
type Topics struct {
	Prefix         string // tg/v1/<site>/<terminal>
	Status         string // agent →, retained
	Alert          string // agent →
	Session        string // agent →
	ConfigState    string // agent →, retained
	Dispatch       string // console → agent
	FleetConfig    string // → agent, retained, signed
	SiteConfig     string // → agent, retained, signed
	TerminalConfig string // → agent, retained, signed
	Watchlist      string // → agent, retained, signed
}

// NewTopics builds the topic names for site and terminal, which must pass
// ValidID.
func NewTopics(site, terminal string) (Topics, error) {
	if !envelope.ValidID(site) {
		return Topics{}, fmt.Errorf("mqttlink: site %q: want [A-Za-z0-9_-]{1,64}", site)
	}
	if !envelope.ValidID(terminal) {
		return Topics{}, fmt.Errorf("mqttlink: terminal %q: want [A-Za-z0-9_-]{1,64}", terminal)
	}
	p := Root + "/" + site + "/" + terminal
	return Topics{
		Prefix:         p,
		Status:         p + "/" + envelope.TopicStatus,
		Alert:          p + "/" + envelope.TopicAlert,
		Session:        p + "/" + envelope.TopicSession,
		ConfigState:    p + "/" + envelope.TopicConfigState,
		Dispatch:       p + "/" + envelope.TopicDispatch,
		FleetConfig:    TopicFleetConfig,
		SiteConfig:     Root + "/" + site + "/config/set",
		TerminalConfig: p + "/config/set",
		Watchlist:      TopicWatchlist,
	}, nil
}

// Terminal returns the full topic of a name relative to the prefix, as
// envelope.Message.Topic holds it ("alert" → tg/v1/<site>/<terminal>/alert).
func (t Topics) Terminal(rel string) string { return t.Prefix + "/" + rel }

// Documents lists the signed-document topics the agent subscribes to.
func (t Topics) Documents() []string {
	return []string{t.FleetConfig, t.SiteConfig, t.TerminalConfig, t.Watchlist}
}
