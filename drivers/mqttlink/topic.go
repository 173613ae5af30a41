package mqttlink

import (
	"fmt"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
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
	at := func(s wire.Suffix) string { return wire.TerminalTopic(site, terminal, s) }
	return Topics{
		Prefix:         wire.Prefix + "/" + site + "/" + terminal,
		Status:         at(wire.TopicStatus),
		Alert:          at(wire.TopicAlert),
		Session:        at(wire.TopicSession),
		ConfigState:    at(wire.TopicConfigState),
		Dispatch:       at(wire.TopicDispatch),
		FleetConfig:    wire.FleetConfigTopic,
		SiteConfig:     wire.SiteConfigTopic(site),
		TerminalConfig: at(wire.TopicConfigSet),
		Watchlist:      wire.WatchlistTopic,
	}, nil
}

// Terminal returns the full topic of a name relative to the prefix, as
// envelope.Message.Topic holds it ("alert" → tg/v1/<site>/<terminal>/alert).
func (t Topics) Terminal(rel wire.Suffix) string { return t.Prefix + "/" + string(rel) }

// Documents lists the signed-document topics the agent subscribes to.
func (t Topics) Documents() []string {
	return []string{t.FleetConfig, t.SiteConfig, t.TerminalConfig, t.Watchlist}
}
