package main

import (
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readCert parses the first PEM certificate of a file.
func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatalf("%s: no PEM block", path)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return c
}

func TestCertIssueVerifies(t *testing.T) {
	p := newPKI(t)
	roots := x509.NewCertPool()
	roots.AddCert(readCert(t, filepath.Join(p.ca, caCertFile)))
	client := readCert(t, filepath.Join(p.certs, idT1+".crt"))
	if client.Subject.CommonName != idT1 {
		t.Errorf("client CN %q, want %q (the broker user name)", client.Subject.CommonName, idT1)
	}
	if _, err := client.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("client certificate does not verify for client auth: %v", err)
	}
	if _, err := client.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err == nil {
		t.Error("a terminal's client certificate also serves as a server certificate")
	}
	server := readCert(t, filepath.Join(p.certs, "broker.crt"))
	if _, err := server.Verify(x509.VerifyOptions{Roots: roots, DNSName: "localhost"}); err != nil {
		t.Errorf("server certificate for localhost: %v", err)
	}
	if len(server.IPAddresses) != 1 || !server.IPAddresses[0].Equal(net.IPv4(127, 0, 0, 1)) {
		t.Errorf("server IPs %v, want [127.0.0.1]", server.IPAddresses)
	}
	for _, f := range []string{filepath.Join(p.ca, caKeyFile), filepath.Join(p.certs, idT1+".key"), filepath.Join(p.certs, "broker.key")} {
		if info, err := os.Stat(f); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, want mode 0600", filepath.Base(f), info.Mode())
		}
	}
}

func TestCertRefuses(t *testing.T) {
	p := newPKI(t)
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"second CA over the first", []string{"cert", "ca", "--out", p.ca}, 1, "exists"},
		{"reissue over a key", []string{"cert", "issue", "--ca", p.ca, "--cn", idT1, "--out", p.certs}, 1, "exists"},
		{"wildcard CN", []string{"cert", "issue", "--ca", p.ca, "--cn", "tg-#", "--out", t.TempDir()}, 2, "--cn"},
		{"server without a name", []string{"cert", "issue", "--ca", p.ca, "--cn", "b", "--server", "--out", t.TempDir()}, 2, "--dns or --ip"},
		{"client with a name", []string{"cert", "issue", "--ca", p.ca, "--cn", "b", "--dns", "x", "--out", t.TempDir()}, 2, "go with --server"},
		{"bad ip", []string{"cert", "issue", "--ca", p.ca, "--cn", "b", "--server", "--ip", "1.2.3", "--out", t.TempDir()}, 2, "not an IP"},
		{"no CA there", []string{"cert", "issue", "--ca", t.TempDir(), "--cn", "b", "--out", t.TempDir()}, 1, "read CA certificate"},
		{"no subcommand", []string{"cert"}, 2, "ca or issue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, e, code := tgctl(t, tc.args...)
			if code != tc.code || !strings.Contains(e, tc.want) {
				t.Errorf("exit %d %q, want %d and %q", code, e, tc.code, tc.want)
			}
		})
	}
}

func TestCertCAKeyMismatch(t *testing.T) {
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	mustTgctl(t, "cert", "ca", "--out", a)
	mustTgctl(t, "cert", "ca", "--out", b)
	key, _ := os.ReadFile(filepath.Join(b, caKeyFile))
	if err := os.WriteFile(filepath.Join(a, caKeyFile), key, 0o600); err != nil {
		t.Fatal(err)
	}
	_, e, code := tgctl(t, "cert", "issue", "--ca", a, "--cn", "x", "--out", t.TempDir())
	if code != 1 || !strings.Contains(e, "not the ECDSA key") {
		t.Errorf("CA with another CA's key: %d %q, want refusal", code, e)
	}
}
