package outbox

import (
	"bytes"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
)

// FuzzDecodeRecord feeds arbitrary bytes (a damaged file) to the decoder:
// it must never panic, and whatever decodes must re-encode to the same bytes.
func FuzzDecodeRecord(f *testing.F) {
	f.Add(encodeRecord(envelope.Message{ID: "01J", Topic: "alert", Payload: []byte(`{"v":1}`)}, time.Unix(5, 6)))
	f.Add(encodeRecord(envelope.Message{ID: "x", Topic: "session"}, time.Unix(0, 0)))
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, queued, err := decodeRecord(b)
		if err != nil {
			return
		}
		if topicOf(b) != string(m.Topic) {
			t.Fatalf("topicOf %q, decode %q", topicOf(b), m.Topic)
		}
		again := encodeRecord(m, queued)
		m2, q2, err := decodeRecord(again)
		if err != nil || m2.ID != m.ID || m2.Topic != m.Topic ||
			!bytes.Equal(m2.Payload, m.Payload) || !q2.Equal(queued) {
			t.Fatalf("round trip: %+v %v vs %+v %v (%v)", m, queued, m2, q2, err)
		}
	})
}
