package remote

import (
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/watchlist"
)

// FuzzDecodeListRecord feeds arbitrary bytes as a stored watchlist record
// (the state dir is outside bytes too): it must never panic, and a record
// it accepts encodes back to an equivalent one.
func FuzzDecodeListRecord(f *testing.F) {
	var key watchlist.Key
	a := &applied{version: 3, issued: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC), keyID: "ab",
		list: watchlist.NewKeyed(key, []string{"6217000012345678"}, []string{"13800138000"})}
	seed, err := encodeListRecord(a, []byte(`{"payloadType":"x"}`), time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeListRecord(key, data)
		if err != nil {
			return
		}
		if got.version < 1 || got.list == nil {
			t.Fatalf("accepted a record with version %d", got.version)
		}
		if _, err := encodeListRecord(got, nil, time.Time{}); err != nil {
			t.Fatalf("re-encode: %v", err)
		}
	})
}
