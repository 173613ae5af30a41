package watchlist

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStoredListRoundTrip(t *testing.T) {
	key := NewKey()
	l := NewKeyed(key, []string{"6217000012345678", "6222021234567890123"}, []string{"+86 138 0013 8000"})
	b, err := l.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"6217000012345678", "6222021234567890123", "13800138000"} {
		if bytes.Contains(b, []byte(n)) {
			t.Fatalf("stored form holds %s in plain", n)
		}
	}
	got, err := Decode(key, b)
	if err != nil {
		t.Fatal(err)
	}
	if !got.HasAccount("6217 0000 1234 5678") || !got.HasPhone("0086 13800138000") || got.HasAccount("6217000012345679") {
		t.Fatal("restored list does not match as the original")
	}
	if got.Accounts() != 2 || got.Phones() != 1 {
		t.Fatalf("restored counts: got %d+%d, want 2+1", got.Accounts(), got.Phones())
	}
	// Local entries added after a restore hash under the same key.
	if w := got.With([]string{"6228480000000000"}, nil); !w.HasAccount("6228480000000000") || !w.HasAccount("6217000012345678") {
		t.Fatal("With on a restored list lost entries")
	}
}

func TestDecodeRefuses(t *testing.T) {
	key := NewKey()
	good, _ := NewKeyed(key, []string{"6217000012345678", "6222021234567890123"}, nil).MarshalBinary()
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 1
		return b
	}
	tests := []struct {
		name string
		key  Key
		data []byte
		want string
	}{
		{"other key", NewKey(), good, "another key"},
		{"damaged hash", key, flip(fileHeader + 3), "checksum"},
		{"damaged checksum", key, flip(len(good) - 1), "checksum"},
		{"truncated", key, good[:len(good)-9], "checksum"},
		{"not a list", key, []byte(`{"version":1}`), "not a stored watchlist"},
		{"empty", key, nil, "not a stored watchlist"},
	}
	for _, tt := range tests {
		if _, err := Decode(tt.key, tt.data); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error about %q", tt.name, err, tt.want)
		}
	}
}

// FuzzDecode feeds arbitrary bytes to Decode: it must never panic, and
// what it accepts must encode back to the same bytes.
func FuzzDecode(f *testing.F) {
	var key Key // zero key: the fuzzer can build valid files around it
	raw, _ := os.ReadFile(filepath.Join("testdata", "small.json"))
	doc, err := ParseDocumentKeyed(raw, key)
	if err != nil {
		f.Fatal(err)
	}
	seed, _ := doc.List.MarshalBinary()
	f.Add(seed)
	f.Add([]byte(fileMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Decode(key, data)
		if err != nil {
			return
		}
		again, err := l.MarshalBinary()
		if err != nil || !bytes.Equal(again, data) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

// TestConcurrentLookups: lookups share pooled HMAC states; under -race
// they must neither race nor give a wrong answer.
func TestConcurrentLookups(t *testing.T) {
	l := New([]string{"6217000012345678"}, []string{"13800138000"})
	errs := make(chan string, 8)
	for range 8 {
		go func() {
			for range 500 {
				if !l.HasAccount("6217000012345678") || l.HasAccount("6217000012345679") || !l.HasPhone("+8613800138000") {
					errs <- "wrong answer"
					return
				}
			}
			errs <- ""
		}()
	}
	for range 8 {
		if e := <-errs; e != "" {
			t.Fatal(e)
		}
	}
}
