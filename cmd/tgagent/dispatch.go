package main

import (
	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/dispatchauth"
)

// newDispatchGate builds the check every dispatch the link receives must
// pass (CONTRACT §12): signed by a --dispatch-key key, for this site and
// terminal, fresh and never seen before. With no key it warns loudly and
// passes nothing: a HOLD is then lifted only by the controller.
func newDispatchGate(o *options, log zerolog.Logger) (*dispatchauth.Gate, error) {
	ring, err := loadTrust(o.DispatchKeys)
	if err != nil {
		return nil, usagef("dispatch key: %w", err)
	}
	v, err := dispatchauth.New(dispatchauth.Options{Keys: ring, Site: o.Site, Terminal: o.Terminal, Clock: clock.Real{}})
	if err != nil {
		return nil, usagef("dispatch key: %w", err)
	}
	return dispatchauth.NewGate(v, log), nil
}
