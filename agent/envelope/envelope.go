// Package envelope owns the JSON shapes the agent exchanges over MQTT
// (CONTRACT §4): alerts, session audit records, status, configuration state
// and dispatch messages. The core builds them; the MQTT link only routes
// bytes, so what reaches the broker is decided and tested here.
package envelope

import (
	"encoding/json"
	"time"

	"github.com/transferguard/transferguard/agent/wire"
)

// Message is one durable outbound message. Topic is relative to the
// terminal's prefix (tg/v1/<site>/<terminal>/); ID is the envelope's unique
// id, which consumers de-duplicate on.
type Message struct {
	ID      string      `json:"id"`
	Topic   wire.Suffix `json:"topic"`
	Payload []byte      `json:"payload"`
}

// Status is the retained status payload; the Last Will carries the same
// Boot with State "offline", so a late Will of a previous run can be told
// apart from this run's.
type Status struct {
	State string    `json:"state"` // online, offline
	TS    time.Time `json:"ts"`
	Boot  string    `json:"boot"`
	Agent string    `json:"agent"`
	Link  string    `json:"link"` // up, down
	UI    string    `json:"ui"`   // up, down, off
	// Storage is wire.StorageOK or wire.StorageDegraded (CONTRACT §12);
	// empty from agents before it existed.
	Storage string `json:"storage,omitempty"`
}

// Dispatch is a guard console's word on an alert (console → agent): the
// payload of a signed dispatch envelope (CONTRACT §4, §7, §12). Site,
// Terminal and TS bind it to one terminal and a five-minute window, so a
// signed message cannot be replayed elsewhere or later.
type Dispatch struct {
	AlertID string             `json:"alert_id"`
	State   wire.DispatchState `json:"state"`
	Guard   string             `json:"guard,omitempty"`
	// GuardName is the display name a supervisor gave the guard (王师傅);
	// the customer's screen shows it, never the login name (CONTRACT §7).
	GuardName string `json:"guard_name,omitempty"`
	ETAS      int    `json:"eta_s,omitempty"`
	Site      string `json:"site"`
	Terminal  string `json:"terminal"`
	TS        Time   `json:"ts"` // when the console signed it

	// Signed is the DSSE envelope as the MQTT link received it. The link
	// fills only this field; agent/dispatchauth verifies it and hands the
	// core a Dispatch with the payload fields set and Signed empty. A
	// Dispatch that still carries Signed has not been checked. (A string,
	// not []byte, so a Dispatch stays comparable.)
	Signed string `json:"-"`
}

// MarshalJSON writes the signed envelope when there is one (Signed is what
// travels on the wire), else the plain payload object.
func (d Dispatch) MarshalJSON() ([]byte, error) {
	if d.Signed != "" {
		return []byte(d.Signed), nil
	}
	type plain Dispatch // without this method
	return json.Marshal(plain(d))
}

// ValidID reports whether s may be a site or terminal id (CONTRACT §1):
// [A-Za-z0-9_-]{1,64}. Ids become topic levels, so anything else (a "/",
// a wildcard) would change which topics a client uses.
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}
