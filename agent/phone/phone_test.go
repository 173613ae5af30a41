package phone

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13800138000", "13800138000"},
		{"+86 138-0013-8000", "13800138000"},
		{"008613800138000", "13800138000"},
		{"86 138 0013 8000", "13800138000"},
		{"(+86) 138.0013.8000", "13800138000"},
		{"＋８６ １３８００１３８０００", "13800138000"},
		{"+86 0086 13800138000", "13800138000"},
		{"010-8888 7777", "01088887777"},
		{"(010) 88887777", "01088887777"},
		{"+86 10 8888 7777", "01088887777"},
		{"+86 (0)10 8888 7777", "01088887777"},
		{"0086 755 1234 5678", "075512345678"},
		{"8610888877", "8610888877"},
		{"+1 415 555 0100", "0014155550100"},
		{"001-415-555-0100", "0014155550100"},
		{"95588", "95588"},
		{"tel: 138 0013 8000", "13800138000"},
		{"", ""},
		{"+", ""},
		{"abc", ""},
		{"0086", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+86 138-0013-8000", "138****8000"},
		{"010-8888 7777", "010****7777"},
		{"88887777", "****7777"},
		{"95588", "*5588"},
		{"110", "***"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNumberNeverPrintsWhole(t *testing.T) {
	n := NewNumber("+86 138-0013-8000")
	if n.Reveal() != "13800138000" {
		t.Fatalf("Reveal = %q", n.Reveal())
	}
	var zl bytes.Buffer
	l := zerolog.New(&zl)
	l.Info().Stringer("s", n).Interface("i", n).Any("a", n).Msg("x")
	j, _ := json.Marshal(map[string]any{"n": n})
	out := []string{fmt.Sprint(n), fmt.Sprintf("%v %+v %#v %s", n, n, n, n), string(j), zl.String(),
		fmt.Sprintf("%v", struct{ P Number }{n}), fmt.Errorf("caller %v", n).Error()}
	for _, s := range out {
		if strings.Contains(s, "0013") || !strings.Contains(s, "138****8000") {
			t.Errorf("not masked: %s", s)
		}
	}
	if !NewNumber("").IsZero() || n.IsZero() {
		t.Error("IsZero wrong")
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"+86 138-0013-8000", "008613800138000", "010-8888 7777", "+1 415", "＋８６", "0086 0086 86", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := Normalize(raw)
		for i := 0; i < len(got); i++ {
			if got[i] < '0' || got[i] > '9' {
				t.Fatalf("Normalize(%q) = %q: not only digits", raw, got)
			}
		}
		if again := Normalize(got); again != got {
			t.Fatalf("not idempotent: %q → %q → %q", raw, got, again)
		}
		if len(got) > len(raw)+1 {
			t.Fatalf("Normalize(%q) = %q grew", raw, got)
		}
		m := Mask(raw)
		if len(got) >= 8 && strings.Contains(m, got) {
			t.Fatalf("Mask(%q) = %q shows the number", raw, m)
		}
	})
}
