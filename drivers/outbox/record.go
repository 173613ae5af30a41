package outbox

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

// recordVersion is the first byte of every stored value, so a later layout
// can be told apart from this one after an upgrade.
const recordVersion = 1

// errCorrupt reports a stored value that does not decode; the outbox skips
// and deletes such a record instead of stalling the queue behind it.
var errCorrupt = errors.New("corrupt record")

// Entry is one queued message with its place in the queue.
type Entry struct {
	Seq     uint64           // position in the queue, strictly increasing
	Queued  time.Time        // when Publish stored it
	Message envelope.Message // what to send
}

// encodeRecord lays a message out as
// version(1) | queued unix nanos(8) | len+id | len+topic | payload.
// Binary rather than JSON: the payload is already JSON and would otherwise
// be base64-encoded, a third bigger on disk.
func encodeRecord(m envelope.Message, queued time.Time) []byte {
	n := 1 + 8 + binary.MaxVarintLen64*2 + len(m.ID) + len(m.Topic) + len(m.Payload)
	b := make([]byte, 0, n)
	b = append(b, recordVersion)
	b = binary.BigEndian.AppendUint64(b, uint64(queued.UnixNano()))
	b = binary.AppendUvarint(b, uint64(len(m.ID)))
	b = append(b, m.ID...)
	b = binary.AppendUvarint(b, uint64(len(m.Topic)))
	b = append(b, m.Topic...)
	return append(b, m.Payload...)
}

// decodeRecord is the inverse of encodeRecord. It copies out of b, which
// belongs to a bbolt transaction and is invalid once it ends.
func decodeRecord(b []byte) (envelope.Message, time.Time, error) {
	var m envelope.Message
	if len(b) < 9 || b[0] != recordVersion {
		return m, time.Time{}, fmt.Errorf("outbox: %w: header", errCorrupt)
	}
	queued := time.Unix(0, int64(binary.BigEndian.Uint64(b[1:9])))
	rest := b[9:]
	id, rest, err := field(rest)
	if err != nil {
		return m, time.Time{}, fmt.Errorf("outbox: %w: id", err)
	}
	topic, rest, err := field(rest)
	if err != nil {
		return m, time.Time{}, fmt.Errorf("outbox: %w: topic", err)
	}
	m.ID = string(id)
	m.Topic = wire.Suffix(topic)
	m.Payload = append([]byte(nil), rest...)
	return m, queued, nil
}

// field reads one length-prefixed string.
func field(b []byte) (val, rest []byte, err error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return nil, nil, errCorrupt
	}
	end := k + int(n)
	return b[k:end], b[end:], nil
}

// topicOf decodes only the topic of a record, for eviction scans.
func topicOf(b []byte) string {
	if len(b) < 9 || b[0] != recordVersion {
		return ""
	}
	_, rest, err := field(b[9:])
	if err != nil {
		return ""
	}
	topic, _, err := field(rest)
	if err != nil {
		return ""
	}
	return string(topic)
}
