package remote

import (
	"encoding/json"
	"fmt"

	"github.com/transferguard/transferguard/agent/envelope"
)

// Snapshot returns the current state of what is applied.
func (r *Remote) Snapshot() envelope.ConfigState {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := envelope.ConfigState{V: 1, TS: r.opts.Clock.Now().UTC(), Site: r.opts.Site, Terminal: r.opts.Terminal}
	if l := r.last; l != nil {
		s.LastRejection = &envelope.Rejection{Topic: l.Topic, Reason: string(l.Reason), Text: l.Text, Version: l.Version, TS: l.TS}
	}
	s.Config.Fleet = docState(r.scopes["fleet"])
	s.Config.Site = docState(r.scopes["site"])
	s.Config.Terminal = docState(r.scopes["terminal"])
	if w := r.watch; w != nil {
		s.Watchlist = &envelope.ListState{DocState: *docState(w), Entries: w.list.Len(), Accounts: w.list.Accounts(), Phones: w.list.Phones()}
	}
	return s
}

// State returns the JSON payload for config/state.
func (r *Remote) State() ([]byte, error) {
	b, err := json.Marshal(r.Snapshot())
	if err != nil {
		return nil, fmt.Errorf("remote: encode state: %w", err)
	}
	return b, nil
}

func docState(a *applied) *envelope.DocState {
	if a == nil {
		return nil
	}
	return &envelope.DocState{Version: a.version, Issued: a.issued.UTC(), KeyID: a.keyID}
}
