package envelope

import "time"

// ConfigState is the retained payload of tg/v1/<site>/<terminal>/config/state:
// what this terminal runs and the last document it refused. Scopes with no
// applied document are null.
type ConfigState struct {
	V             int         `json:"v"`
	TS            time.Time   `json:"ts"`
	Site          string      `json:"site"`
	Terminal      string      `json:"terminal"`
	Config        ScopeStates `json:"config"`
	Watchlist     *ListState  `json:"watchlist"`
	LastRejection *Rejection  `json:"last_rejection"`
}

// ScopeStates is the applied configuration document of each scope.
type ScopeStates struct {
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

// Rejection says why the last document was refused (CONTRACT §5, §12):
// Reason is a stable code (unknown_key, expired, too_large, …), Text is for
// people and never contains an account number.
type Rejection struct {
	Topic   string    `json:"topic"`
	Reason  string    `json:"reason"`
	Text    string    `json:"text"`
	Version int64     `json:"version,omitempty"`
	TS      time.Time `json:"ts"`
}
