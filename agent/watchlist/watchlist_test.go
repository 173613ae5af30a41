package watchlist

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13800138000", "13800138000"},
		{"+86 138 0013 8000", "13800138000"},
		{"+86-13800138000", "13800138000"},
		{"0086 13800138000", "13800138000"},
		{"8613800138000", "13800138000"},
		{"0571-88888888", "57188888888"},
		{"+86 571 8888 8888", "57188888888"},
		{"(010) 1234-5678", "1012345678"},
		{"+1 650 555 0100", "0016505550100"},
		{"001-650-555-0100", "0016505550100"},
		{"+86 (0)10 8888 7777", "1088887777"},
		{"＋８６ １３８ ００１３ ８０００", "13800138000"},
		{"phone", ""},
	}
	for _, tt := range tests {
		if got := NormalizePhone(tt.in); got != tt.want {
			t.Errorf("NormalizePhone(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestListMatching(t *testing.T) {
	l := New([]string{"6217 0000 1234 5678", "6217000012345678", "622202-1234567890123"},
		[]string{"+86 138 0013 8000"})
	if got := l.Len(); got != 3 {
		t.Fatalf("Len: got %d, want 3 (duplicates collapse)", got)
	}
	for _, acct := range []string{"6217000012345678", "6217-0000-1234-5678", "6222021234567890123"} {
		if !l.HasAccount(acct) {
			t.Errorf("HasAccount(%q) = false, want true", acct)
		}
	}
	for _, acct := range []string{"6217000012345679", "", "621700001234567", "13800138000"} {
		if l.HasAccount(acct) {
			t.Errorf("HasAccount(%q) = true, want false", acct)
		}
	}
	for _, ph := range []string{"13800138000", "0086 138 0013 8000", "8613800138000"} {
		if !l.HasPhone(ph) {
			t.Errorf("HasPhone(%q) = false, want true", ph)
		}
	}
	if l.HasPhone("13800138001") || l.HasPhone("6217000012345678") {
		t.Error("unlisted phone matched")
	}
	var empty *List
	if empty.HasAccount("6217000012345678") || empty.Len() != 0 {
		t.Error("nil list matched")
	}
}

func TestParseDocument(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "small.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := ParseDocument(b)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Version != 3 || doc.Issued.UTC().Format("2006-01-02T15") != "2026-11-26T00" {
		t.Fatalf("header: got %d %v", doc.Version, doc.Issued)
	}
	if doc.List.Accounts() != 3 || doc.List.Phones() != 2 {
		t.Fatalf("got %d accounts %d phones, want 3 and 2", doc.List.Accounts(), doc.List.Phones())
	}
	if !doc.List.HasAccount("621700001111") || !doc.List.HasPhone("+8657188888888") || !doc.List.HasAccount("6217000012345678") {
		t.Fatal("listed numbers (one written with a \\u escape) do not match")
	}
}

func TestParseDocumentRejects(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"not json", `{"version":`, "not a JSON object"},
		{"array", `[]`, "not a JSON object"},
		{"unknown key", `{"version":1,"issued":"2026-11-26T00:00:00Z","acounts":[]}`, "acounts: unknown key"},
		{"no version", `{"issued":"2026-11-26T00:00:00Z"}`, "version: missing"},
		{"zero version", `{"version":0,"issued":"2026-11-26T00:00:00Z"}`, "version: want an integer"},
		{"float version", `{"version":1.5,"issued":"2026-11-26T00:00:00Z"}`, "version: want an integer"},
		{"bad issued", `{"version":1,"issued":"yesterday"}`, "issued: want an RFC 3339 time"},
		{"accounts not array", `{"version":1,"issued":"2026-11-26T00:00:00Z","accounts":"x"}`, "accounts: want an array"},
		{"number entry", `{"version":1,"issued":"2026-11-26T00:00:00Z","accounts":["6217000012345678",62170000]}`, "accounts[1]: want a string"},
		{"no digits", `{"version":1,"issued":"2026-11-26T00:00:00Z","phones":["13800138000","call me"]}`, "phones[1]: want 5..20 digits, got 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDocument([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want error containing %q", err, tt.want)
			}
		})
	}
}

func TestParseDocumentErrorHidesNumbers(t *testing.T) {
	doc := `{"version":1,"issued":"2026-11-26T00:00:00Z","accounts":["62170000123456789012345678901234567","1"]}`
	_, err := ParseDocument([]byte(doc))
	if err == nil {
		t.Fatal("accepted")
	}
	if strings.Contains(err.Error(), "6217000012") {
		t.Fatalf("error shows a listed number: %v", err)
	}
}

func TestParseDocumentCountsProblems(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(`{"version":1,"issued":"2026-11-26T00:00:00Z","accounts":[`)
	for i := range 30 {
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString(`"x"`)
	}
	sb.WriteString(`]}`)
	_, err := ParseDocument([]byte(sb.String()))
	if err == nil || !strings.Contains(err.Error(), "and 10 more") {
		t.Fatalf("got %v, want the first 20 problems and a count of the rest", err)
	}
}

// bigDocument returns a JSON watchlist of n accounts and n/10 phones.
func bigDocument(n int) []byte {
	var sb strings.Builder
	sb.Grow(n * 24)
	sb.WriteString(`{"version":1,"issued":"2026-11-26T00:00:00Z","accounts":[`)
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `"62170%014d"`, i*7919)
	}
	sb.WriteString(`],"phones":[`)
	for i := range n / 10 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `"+86 13%09d"`, i)
	}
	sb.WriteString(`]}`)
	return []byte(sb.String())
}

func FuzzParseDocument(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "small.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(bigDocument(5))
	f.Add([]byte(`{"version":1,"issued":"2026-11-26T00:00:00Z","accounts":["a\"b\\"]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		doc, err := ParseDocument(raw)
		if err != nil {
			return
		}
		if doc.Version < 1 || doc.List == nil {
			t.Fatalf("accepted a document without a version or list: %+v", doc)
		}
	})
}

func TestWith(t *testing.T) {
	signed := New([]string{"6217000012345678"}, nil)
	both := signed.With([]string{"622202123456789"}, []string{"13800138000"})
	if !both.HasAccount("6217000012345678") || !both.HasAccount("622202123456789") || !both.HasPhone("+8613800138000") {
		t.Fatal("union misses an entry")
	}
	if signed.HasAccount("622202123456789") || signed.Len() != 1 {
		t.Fatal("With changed the original list")
	}
	var none *List
	if !none.With([]string{"622202123456789"}, nil).HasAccount("622202123456789") {
		t.Fatal("With on a nil list")
	}
}

// A caller number matches however the sensor and the document spell it.
func TestPhoneSpellingsMatch(t *testing.T) {
	doc, err := ParseDocument([]byte(`{"version":1,"issued":"2026-11-26T00:00:00Z",
		"phones":["+86 138-0013-8000","+86 10 8888 7777","＋８６ １３９ ００１３ ９０００"]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"13800138000", "008613800138000", "+86 138 0013 8000", "8613800138000",
		"010-8888 7777", "(010) 88887777", "0086 10 88887777", "13900139000"} {
		if !doc.List.HasPhone(n) {
			t.Errorf("HasPhone(%q) = false, want true", n)
		}
	}
	for _, n := range []string{"13800138001", "+1 380 0138 000", "1088887778"} {
		if doc.List.HasPhone(n) {
			t.Errorf("HasPhone(%q) = true, want false", n)
		}
	}
	if allocs := testing.AllocsPerRun(100, func() { doc.List.HasPhone("+86 138-0013-8000") }); allocs != 0 && !raceEnabled {
		t.Errorf("HasPhone allocates %.0f times", allocs)
	}
}
