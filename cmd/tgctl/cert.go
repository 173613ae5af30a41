package main

// tgctl cert: an offline certificate authority for the broker's TLS
// listener. Each terminal, tgdispatch instance and IT pusher gets its own
// client certificate; the broker takes the certificate's common name as the
// user name its ACL (tgctl acl) is written for.
//
// # Trust model
//
// Whoever holds ca.key can mint any identity, including a tgdispatch one
// that may release a held transfer: keep the CA directory on an offline
// machine and copy only certificates and the one key each client needs.
// Keys are ECDSA P-256 (accepted by every OpenSSL mosquitto links, and by
// Go), written 0600, and never overwritten.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// File names inside a CA directory.
const (
	caCertFile = "ca.crt"
	caKeyFile  = "ca.key"
)

// clockSkew back-dates NotBefore so a client whose clock is a little
// behind the CA's does not reject a fresh certificate.
const clockSkew = 5 * time.Minute

// runCert dispatches `tgctl cert ca|issue`.
func runCert(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("want a subcommand: ca or issue")
	}
	switch args[0] {
	case "ca":
		return runCertCA(args[1:], stdout, stderr)
	case "issue":
		return runCertIssue(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprintln(stderr, "usage: tgctl cert ca --out DIR | tgctl cert issue --ca DIR --cn NAME --out DIR [--server --dns H --ip A]")
		return flag.ErrHelp
	}
	return usagef("unknown subcommand %q (ca, issue)", args[0])
}

// runCertCA is `tgctl cert ca --out DIR`: a new key and self-signed CA
// certificate in DIR/ca.key (0600) and DIR/ca.crt.
func runCertCA(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("cert ca", stderr)
	out := fs.String("out", "", "directory for ca.crt and ca.key (created 0700)")
	cn := fs.String("cn", "transferguard broker CA", "common name of the CA")
	days := fs.Int("days", 3650, "validity in days")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() != 0 || *days <= 0 {
		return usagef("want --out DIR, positive --days, and no arguments")
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generate key: %w", err)
	}
	tmpl, err := template(*cn, *days)
	if err != nil {
		return err
	}
	tmpl.IsCA, tmpl.BasicConstraintsValid, tmpl.MaxPathLenZero = true, true, true
	tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return fmt.Errorf("create CA certificate: %w", err)
	}
	if err := writePair(*out, caCertFile, caKeyFile, der, key); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "CA certificate %s\nCA key         %s (keep offline)\n",
		filepath.Join(*out, caCertFile), filepath.Join(*out, caKeyFile))
	return nil
}

// issueFlags are the flags of `tgctl cert issue`.
type issueFlags struct {
	ca, cn, out string
	server      bool
	dns, ips    multiFlag
	days        int
}

// runCertIssue is `tgctl cert issue --ca DIR --cn NAME --out DIR`: a key
// and certificate signed by the CA, written as DIR/NAME.key and NAME.crt.
func runCertIssue(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("cert issue", stderr)
	var f issueFlags
	fs.StringVar(&f.ca, "ca", "", "CA directory made by tgctl cert ca")
	fs.StringVar(&f.cn, "cn", "", "common name: the broker user name (tg-<site>-<terminal> for a terminal)")
	fs.StringVar(&f.out, "out", "", "directory for NAME.crt and NAME.key")
	fs.BoolVar(&f.server, "server", false, "a server certificate for the broker (needs --dns or --ip)")
	fs.Var(&f.dns, "dns", "DNS name of the server (repeatable)")
	fs.Var(&f.ips, "ip", "IP address of the server (repeatable)")
	fs.IntVar(&f.days, "days", 825, "validity in days")
	if err := parse(fs, args); err != nil {
		return err
	}
	tmpl, err := f.template()
	if err != nil {
		return err
	}
	caCert, caKey, err := loadCA(f.ca)
	if err != nil {
		return err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generate key: %w", err)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return fmt.Errorf("sign certificate: %w", err)
	}
	if err := writePair(f.out, f.cn+".crt", f.cn+".key", der, key); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "certificate %s\nkey         %s\nexpires     %s\n", filepath.Join(f.out, f.cn+".crt"),
		filepath.Join(f.out, f.cn+".key"), tmpl.NotAfter.UTC().Format(time.RFC3339))
	return nil
}

// template checks the issue flags and returns the leaf template.
func (f *issueFlags) template() (*x509.Certificate, error) {
	if f.ca == "" || f.cn == "" || f.out == "" || f.days <= 0 {
		return nil, usagef("want --ca DIR --cn NAME --out DIR and positive --days")
	}
	if !validIdentity(f.cn) {
		return nil, usagef("--cn %q must be 1-64 of A-Z a-z 0-9 . _ @ -", f.cn)
	}
	if !f.server && len(f.dns)+len(f.ips) > 0 {
		return nil, usagef("--dns and --ip go with --server")
	}
	if f.server && len(f.dns)+len(f.ips) == 0 {
		return nil, usagef("--server needs at least one --dns or --ip the clients connect to")
	}
	tmpl, err := template(f.cn, f.days)
	if err != nil {
		return nil, err
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	if f.server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.DNSNames = f.dns
		for _, s := range f.ips {
			ip := net.ParseIP(s)
			if ip == nil {
				return nil, usagef("--ip %q is not an IP address", s)
			}
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		}
	}
	return tmpl, nil
}

// template is a certificate with a random serial, cn and validity.
func template(cn string, days int) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("serial number: %w", err)
	}
	now := time.Now()
	return &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    now.Add(-clockSkew),
		NotAfter:     now.AddDate(0, 0, days),
	}, nil
}

// loadCA reads DIR/ca.crt and DIR/ca.key.
func loadCA(dir string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	certPEM, err := os.ReadFile(filepath.Join(dir, caCertFile))
	if err != nil {
		return nil, nil, fmt.Errorf("read CA certificate: %w", err)
	}
	keyPEM, err := os.ReadFile(filepath.Join(dir, caKeyFile))
	if err != nil {
		return nil, nil, fmt.Errorf("read CA key: %w", err)
	}
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, nil, fmt.Errorf("CA %s: no PEM block in %s or %s", dir, caCertFile, caKeyFile)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("CA certificate: %w", err)
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("CA key: %w", err)
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok || !cert.IsCA || !key.PublicKey.Equal(cert.PublicKey) {
		return nil, nil, errors.New("CA: ca.key is not the ECDSA key of the CA certificate ca.crt")
	}
	return cert, key, nil
}

// writePair writes a certificate (0644) and its key (0600) into dir,
// refusing to replace either.
func writePair(dir, certName, keyName string, der []byte, key *ecdsa.PrivateKey) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("encode key: %w", err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})
	if err := writeNew(filepath.Join(dir, keyName), keyPEM, 0o600); err != nil {
		return err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return writeNew(filepath.Join(dir, certName), certPEM, 0o644)
}

// writeNew creates path with perm; an existing file is an error.
func writeNew(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
