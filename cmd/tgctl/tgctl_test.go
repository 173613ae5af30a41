package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transferguard/transferguard/agent/dsse"
)

// tgctl runs one command line in-process.
func tgctl(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return o.String(), e.String(), code
}

// keys makes a key pair in a temp dir and returns its prefix.
func keys(t *testing.T) string {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), "it")
	if _, e, code := tgctl(t, "keygen", "--out", prefix); code != 0 {
		t.Fatalf("keygen: %d %s", code, e)
	}
	return prefix
}

func TestKeygen(t *testing.T) {
	prefix := keys(t)
	info, err := os.Stat(prefix + ".key")
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("private key: %v %v, want mode 0600", err, info)
	}
	pub, _ := os.ReadFile(prefix + ".pub")
	if _, err := dsse.ParsePublicKeys(pub); err != nil {
		t.Fatalf("public key: %v", err)
	}
	if _, e, code := tgctl(t, "keygen", "--out", prefix); code != 1 || !strings.Contains(e, "exists") {
		t.Fatalf("second keygen over the same key: %d %q, want refusal", code, e)
	}
}

func TestSignVerify(t *testing.T) {
	prefix := keys(t)
	dir := t.TempDir()
	for _, tc := range []struct{ kind, in, want string }{
		{"config", "testdata/terminal.yaml", "OK config keyid="},
		{"watchlist", "testdata/watchlist.json", "version=7 issued=2026-11-26T08:00:00+08:00 accounts=2 phones=1"},
	} {
		env := filepath.Join(dir, tc.kind+".dsse.json")
		if _, e, code := tgctl(t, "sign", "--key", prefix+".key", "--type", tc.kind, "--out", env, tc.in); code != 0 {
			t.Fatalf("sign %s: %d %s", tc.in, code, e)
		}
		out, e, code := tgctl(t, "verify", "--trust-key", prefix+".pub", env)
		if code != 0 || !strings.Contains(out, tc.want) {
			t.Fatalf("verify %s: %d %q %q, want %q", tc.in, code, out, e, tc.want)
		}
	}
	other := keys(t)
	_, e, code := tgctl(t, "verify", "--trust-key", other+".pub", filepath.Join(dir, "config.dsse.json"))
	if code != 1 || !strings.Contains(e, "no signature by a trusted key") {
		t.Fatalf("verify with another key: %d %q, want a refusal", code, e)
	}
	out, _, _ := tgctl(t, "verify", "--trust-key", other+".pub", "--trust-key", prefix+".pub", "--payload", filepath.Join(dir, "config.dsse.json"))
	if !strings.Contains(out, `"cooling_off_s":20`) || !strings.Contains(out, `"scope":"terminal"`) {
		t.Fatalf("payload: got %s", out)
	}
}

func TestSignRefusesInvalidConfig(t *testing.T) {
	prefix := keys(t)
	out, e, code := tgctl(t, "sign", "--key", prefix+".key", "--type", "config", "testdata/bad-config.yaml")
	if code != 1 || out != "" || !strings.Contains(e, "cooling_of_s") {
		t.Fatalf("got %d %q %q, want a refusal naming cooling_of_s and no envelope", code, out, e)
	}
	if strings.Count(e, "\n") != 1 {
		t.Fatalf("want a one-line error, got %q", e)
	}
}

func TestBadFlagsExit2(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"sign", "--type", "config", "x.yaml"},
		{"sign", "--key", "k", "--type", "policy", "x.yaml"},
		{"verify", "env.json"},
		{"keygen"},
		{"push", "--nope"},
		{"status", "extra"},
	} {
		if _, e, code := tgctl(t, args...); code != 2 || strings.Count(e, "\n") > len(commands)+5 { // the usage, not a flag dump
			t.Errorf("%v: got %d %q, want 2", args, code, e)
		}
	}
}
