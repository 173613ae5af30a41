package mosquittotest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// PKI is a throw-away certificate authority for TLS tests, with a server
// certificate for 127.0.0.1 and a client certificate, all PEM files in the
// test's temp dir. Made with crypto/x509, so tests need no openssl.
type PKI struct {
	CA                    string // CA certificate
	ServerCert, ServerKey string
	ClientCert, ClientKey string
	OtherCA               string // a second CA that signed nothing here: a client trusting it must fail
}

// NewPKI creates the CA and both certificates, valid for an hour.
func NewPKI(t testing.TB) PKI {
	t.Helper()
	dir := t.TempDir()
	p := PKI{CA: filepath.Join(dir, "ca.pem"), ServerCert: filepath.Join(dir, "server.pem"), ServerKey: filepath.Join(dir, "server.key"),
		ClientCert: filepath.Join(dir, "client.pem"), ClientKey: filepath.Join(dir, "client.key"), OtherCA: filepath.Join(dir, "other-ca.pem")}
	ca, caKey := newCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "mosquittotest CA"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}, nil, nil, p.CA, "")
	newCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "127.0.0.1"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames: []string{"localhost"}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, ca, caKey, p.ServerCert, p.ServerKey)
	newCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "tgdispatch"}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, ca, caKey, p.ClientCert, p.ClientKey)
	newCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "another CA"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}, nil, nil, p.OtherCA, "")
	return p
}

// Listener is the listener section for StartWithConfig: TLS with the
// server certificate, and a client certificate signed by the CA required.
func (p PKI) Listener() string {
	return fmt.Sprintf("cafile %s\ncertfile %s\nkeyfile %s\nrequire_certificate true\ntls_version tlsv1.2\n",
		p.CA, p.ServerCert, p.ServerKey)
}

// newCert signs tmpl with parent (self-signed when nil) and writes the
// certificate to certFile and, when keyFile is set, its key to keyFile.
func newCert(t testing.TB, tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, certFile, keyFile string) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("mosquittotest: key: %v", err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl.SerialNumber = serial
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Minute), time.Now().Add(time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatalf("mosquittotest: certificate %s: %v", tmpl.Subject.CommonName, err)
	}
	writePEM(t, certFile, "CERTIFICATE", der)
	if keyFile != "" {
		kb, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatalf("mosquittotest: key: %v", err)
		}
		writePEM(t, keyFile, "PRIVATE KEY", kb)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("mosquittotest: parse certificate: %v", err)
	}
	return cert, key
}

func writePEM(t testing.TB, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatalf("mosquittotest: write %s: %v", path, err)
	}
}
