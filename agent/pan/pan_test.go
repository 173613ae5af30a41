package pan

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"6222021234563445", "622202******3445"},
		{"6222 0212 3456 3445", "622202******3445"},
		{"6217001234567890123", "621700*********0123"},
		{"1234567890123", "123456***0123"},
		{"123456789012", "********9012"},
		{"12345", "*2345"},
		{"1234", "****"},
		{"", ""},
		{"abc", ""},
	}
	for _, tt := range tests {
		if got := Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNumberNeverPrintsWhole(t *testing.T) {
	n := NewNumber("6222021234563445")
	b, _ := json.Marshal(map[string]any{"n": n})
	for _, s := range []string{fmt.Sprint(n), fmt.Sprintf("%v %+v %#v %s", n, n, n, n), string(b)} {
		if strings.Contains(s, "6222021234563445") || strings.Contains(s, "1234563445") {
			t.Errorf("leaked: %s", s)
		}
	}
	if n.Reveal() != "6222021234563445" {
		t.Errorf("Reveal lost digits")
	}
}

func TestKey(t *testing.T) {
	k := strings.Repeat("ab", 16)
	a, b := Key(k, "6222021234563445"), Key(k, "6222-0212-3456-3445")
	if a == "" || a != b {
		t.Errorf("same number, keys %q and %q", a, b)
	}
	if Key(k, "6222021234563446") == a {
		t.Error("different numbers share a key")
	}
	if Key("", "6222021234563445") != "" || Key(k, "") != "" {
		t.Error("key without key or number")
	}
	if strings.Contains(a, "3445") && len(a) != 64 {
		t.Errorf("unexpected key %q", a)
	}
}
