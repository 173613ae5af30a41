package backtest

import (
	"encoding/json"

	"github.com/transferguard/transferguard/agent/rules"
)

// ReadRecord is the fast record reader, for the tests that hold it to
// encoding/json. rec.Inputs alias line.
func ReadRecord(line []byte, rec *Record) error { return newReader().record(line, rec) }

// ReplayInputs is the fast rules.Replay.
func ReplayInputs(snapshots []json.RawMessage, fn func(env *rules.Env)) error {
	return newReader().replay(snapshots, fn)
}

// InputKeys and CardKeys are the wire names the reader knows.
var InputKeys, CardKeys = inputKeys, cardKeys
