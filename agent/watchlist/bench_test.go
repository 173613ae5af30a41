package watchlist

import (
	"fmt"
	"testing"
)

// BenchmarkNew builds a list from 1,000,000 account strings.
func BenchmarkNew(b *testing.B) {
	accounts := make([]string, 1_000_000)
	for i := range accounts {
		accounts[i] = fmt.Sprintf("62170%014d", i*7919)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = New(accounts, nil)
	}
}

// BenchmarkParseDocument parses a 1,000,000-account (+100,000 phone)
// JSON document into a list and reports the heap the list keeps.
func BenchmarkParseDocument(b *testing.B) {
	raw := bigDocument(1_000_000)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	var doc Document
	for b.Loop() {
		var err error
		if doc, err = ParseDocument(raw); err != nil {
			b.Fatal(err)
		}
	}
	// What the list keeps: one 8-byte hash per distinct entry.
	b.ReportMetric(float64(doc.List.Len()*8)/(1<<20), "kept-MB")
	_ = doc
}

// BenchmarkHasAccount looks up listed and unlisted numbers in a
// 1,000,000-entry list.
func BenchmarkHasAccount(b *testing.B) {
	doc, err := ParseDocument(bigDocument(1_000_000))
	if err != nil {
		b.Fatal(err)
	}
	probes := []string{fmt.Sprintf("62170%014d", 500_000*7919), "6217 0000 0000 0000 001", "6222021234567890123"}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		_ = doc.List.HasAccount(probes[i%len(probes)])
		i++
	}
}

// BenchmarkHasPhone looks up caller numbers in several spellings in the
// same list's 100,000 phones (phone.Normalize, then the hash).
func BenchmarkHasPhone(b *testing.B) {
	doc, err := ParseDocument(bigDocument(1_000_000))
	if err != nil {
		b.Fatal(err)
	}
	probes := []string{"+86 138-0013-8000", "008613800138000", "13800138000", "010-8888 7777"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = doc.List.HasPhone(probes[i%len(probes)])
		i++
	}
}
