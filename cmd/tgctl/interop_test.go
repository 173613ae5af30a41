package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Interop: documents signed by independent DSSE implementations written
// from CONTRACT §5 (scripts/interop-openssl.sh, scripts/interop-python.py)
// verify with tgctl, and tgctl's envelopes verify with them.

const interopDoc = `{"version":4,"issued":"2026-11-26T09:00:00Z","scope":"site","site":"S1","timings":{"cooling_off_s":15}}`

func script(name string) string { return filepath.Join("..", "..", "scripts", name) }

func execOK(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func TestInteropOpenSSL(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Fatal("openssl not found: install it (apt-get install openssl); interop is part of the contract")
	}
	dir := t.TempDir()
	key, pub, doc := filepath.Join(dir, "k.pem"), filepath.Join(dir, "p.pem"), filepath.Join(dir, "doc.json")
	execOK(t, "openssl", "genpkey", "-algorithm", "ed25519", "-out", key)
	execOK(t, "openssl", "pkey", "-in", key, "-pubout", "-out", pub)
	if err := os.WriteFile(doc, []byte(interopDoc), 0o600); err != nil {
		t.Fatal(err)
	}

	env := filepath.Join(dir, "openssl.dsse.json")
	if err := os.WriteFile(env, []byte(execOK(t, script("interop-openssl.sh"), "sign", key, "config", doc)), 0o600); err != nil {
		t.Fatal(err)
	}
	wantID := strings.TrimSpace(execOK(t, script("interop-openssl.sh"), "keyid", pub))
	out, e, code := tgctl(t, "verify", "--trust-key", pub, env)
	if code != 0 || !strings.Contains(out, "keyid="+wantID) || !strings.Contains(out, "version=4") {
		t.Fatalf("tgctl verify of an openssl envelope: %d %q %q", code, out, e)
	}

	mine := filepath.Join(dir, "tgctl.dsse.json")
	if _, e, code := tgctl(t, "sign", "--key", key, "--type", "config", "--out", mine, doc); code != 0 {
		t.Fatalf("tgctl sign with an openssl key: %s", e)
	}
	if out := execOK(t, script("interop-openssl.sh"), "verify", pub, mine); !strings.Contains(out, "Verified Successfully") {
		t.Fatalf("openssl verify of a tgctl envelope: %s", out)
	}
	// And openssl must refuse a tgctl envelope under another key.
	other := filepath.Join(dir, "o.pem")
	execOK(t, "openssl", "genpkey", "-algorithm", "ed25519", "-out", filepath.Join(dir, "ok.pem"))
	execOK(t, "openssl", "pkey", "-in", filepath.Join(dir, "ok.pem"), "-pubout", "-out", other)
	if err := exec.Command(script("interop-openssl.sh"), "verify", other, mine).Run(); err == nil {
		t.Fatal("openssl verified a tgctl envelope with the wrong key")
	}
}

func TestInteropPythonCryptography(t *testing.T) {
	if err := exec.Command("python3", "-c", "import cryptography").Run(); err != nil {
		t.Skip("python3 with the cryptography package is not installed; openssl interop still runs")
	}
	prefix := keys(t)
	dir := t.TempDir()
	doc := filepath.Join(dir, "doc.json")
	if err := os.WriteFile(doc, []byte(interopDoc), 0o600); err != nil {
		t.Fatal(err)
	}
	env := filepath.Join(dir, "python.dsse.json")
	if err := os.WriteFile(env, []byte(execOK(t, "python3", script("interop-python.py"), "sign", prefix+".key", "config", doc)), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, e, code := tgctl(t, "verify", "--trust-key", prefix+".pub", env); code != 0 {
		t.Fatalf("tgctl verify of a Python envelope: %d %q %q", code, out, e)
	}
	mine := filepath.Join(dir, "tgctl.dsse.json")
	if _, e, code := tgctl(t, "sign", "--key", prefix+".key", "--type", "config", "--out", mine, doc); code != 0 {
		t.Fatal(e)
	}
	if out := execOK(t, "python3", script("interop-python.py"), "verify", prefix+".pub", mine); !strings.HasPrefix(out, "OK ") {
		t.Fatalf("python verify of a tgctl envelope: %s", out)
	}
}
