package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestACLTerminalBlock(t *testing.T) {
	inv, err := ParseInventory([]byte(brokerInventory))
	if err != nil {
		t.Fatal(err)
	}
	acl := string(inv.ACL("terminals.yaml"))
	want := `user tg-S1-T1
topic write tg/v1/S1/T1/status
topic write tg/v1/S1/T1/alert
topic write tg/v1/S1/T1/session
topic write tg/v1/S1/T1/config/state
topic read tg/v1/S1/T1/dispatch
topic read tg/v1/config/set
topic read tg/v1/S1/config/set
topic read tg/v1/S1/T1/config/set
topic read tg/v1/watchlist/set
`
	if !strings.Contains(acl, want) {
		t.Errorf("acl lacks T1's block\n%s\ngot:\n%s", want, acl)
	}
	// Rules before the first user line would apply to clients with no
	// user name; there must be none.
	before, _, _ := strings.Cut(acl, "\nuser ")
	for _, l := range strings.Split(before, "\n") {
		if strings.HasPrefix(l, "topic") || strings.HasPrefix(l, "pattern") {
			t.Errorf("rule before the first user: %q", l)
		}
	}
	if strings.Count(acl, "topic write tg/v1/+/+/dispatch") != 1 || !strings.Contains(acl, "user tgdispatch-1\ntopic write tg/v1/+/+/dispatch") {
		t.Errorf("dispatch may be written by someone other than tgdispatch-1:\n%s", acl)
	}
	for _, l := range strings.Split(acl, "\n") {
		if strings.HasPrefix(l, "topic") && strings.Contains(l, "#") {
			t.Errorf("a rule uses the # wildcard: %q", l)
		}
	}
}

func TestParseInventoryRejects(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown key", "sites: [{id: S1, terminals: [T1]}]\nguards: [x]\n", "field guards not found"},
		{"no sites", "dispatch: [d]\n", "at least one site"},
		{"bad site id", "sites: [{id: 'S 1', terminals: [T1]}]\n", "sites[0].id"},
		{"bad terminal id", "sites: [{id: S1, terminals: [T/1]}]\n", "sites[0].terminals[0]"},
		{"same identity twice", "sites: [{id: S-1, terminals: [T]}, {id: S, terminals: [1-T]}]\n", `identity "tg-S-1-T" already used`},
		{"dispatch is a terminal", "sites: [{id: S1, terminals: [T1]}]\ndispatch: [tg-S1-T1]\n", "already used"},
		{"wildcard identity", "sites: [{id: S1, terminals: [T1]}]\nit: ['#']\n", "it[0]"},
		{"space in identity", "sites: [{id: S1, terminals: [T1]}]\nit: ['bank it']\n", "it[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseInventory([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestACLCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "acl")
	if _, e, code := tgctl(t, "acl", "--inventory", "../../configs/mosquitto/inventory.example.yaml", "--out", out); code != 0 {
		t.Fatalf("acl on the shipped example: %d %s", code, e)
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(b), "user tg-S2-T1\n") {
		t.Fatalf("acl file: %v\n%s", err, b)
	}
	bad := filepath.Join(dir, "bad.yaml")
	_ = os.WriteFile(bad, []byte("sites: [{id: S1, terminals: [T1]}]\nit: ['a b']\n"), 0o644)
	if _, e, code := tgctl(t, "acl", "--inventory", bad); code != 1 || !strings.Contains(e, "it[0]") {
		t.Errorf("bad inventory: %d %q, want exit 1 naming it[0]", code, e)
	}
	if _, _, code := tgctl(t, "acl"); code != 2 {
		t.Errorf("no --inventory: exit %d, want 2", code)
	}
}
