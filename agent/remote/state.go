package remote

import (
	"encoding/json"
	"fmt"
	"time"
)

// State is the retained payload of tg/v1/<site>/<terminal>/config/state:
// what this terminal runs and the last document it refused. Scopes with no
// applied document are null.
type State struct {
	V             int         `json:"v"`
	TS            time.Time   `json:"ts"`
	Site          string      `json:"site"`
	Terminal      string      `json:"terminal"`
	Config        ConfigState `json:"config"`
	Watchlist     *ListState  `json:"watchlist"`
	LastRejection *Rejection  `json:"last_rejection"`
}

// ConfigState is the applied configuration document of each scope.
type ConfigState struct {
	Fleet    *DocState `json:"fleet"`
	Site     *DocState `json:"site"`
	Terminal *DocState `json:"terminal"`
}

// DocState identifies an applied document.
type DocState struct {
	Version int64     `json:"version"`
	Issued  time.Time `json:"issued"`
	KeyID   string    `json:"keyid"`
}

// ListState identifies the applied signed watchlist and its size
// (distinct entries; the local configuration's entries are not counted).
type ListState struct {
	DocState
	Entries  int `json:"entries"`
	Accounts int `json:"accounts"`
	Phones   int `json:"phones"`
}

// Snapshot returns the current State.
func (r *Remote) Snapshot() State {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := State{V: 1, TS: r.opts.Now().UTC(), Site: r.opts.Site, Terminal: r.opts.Terminal, LastRejection: r.last}
	s.Config.Fleet = docState(r.scopes["fleet"])
	s.Config.Site = docState(r.scopes["site"])
	s.Config.Terminal = docState(r.scopes["terminal"])
	if w := r.watch; w != nil {
		s.Watchlist = &ListState{DocState: *docState(w), Entries: w.list.Len(), Accounts: w.list.Accounts(), Phones: w.list.Phones()}
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

func docState(a *applied) *DocState {
	if a == nil {
		return nil
	}
	return &DocState{Version: a.version, Issued: a.issued.UTC(), KeyID: a.keyID}
}
