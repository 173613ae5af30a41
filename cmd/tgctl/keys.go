package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"os"

	"github.com/transferguard/transferguard/agent/dsse"
)

// runKeygen writes PREFIX.key (PKCS#8 PEM, 0600) and PREFIX.pub (PKIX
// PEM), refusing to overwrite an existing private key.
func runKeygen(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("keygen", stderr)
	out := fs.String("out", "", "file name prefix: writes PREFIX.key and PREFIX.pub")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() != 0 {
		return usagef("want --out PREFIX and no arguments")
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("generate key: %w", err)
	}
	privPEM, err := dsse.MarshalPrivateKey(priv)
	if err != nil {
		return err
	}
	pubPEM, err := dsse.MarshalPublicKey(pub)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(*out+".key", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write private key: %w", err)
	}
	if _, err := f.Write(privPEM); err != nil {
		_ = f.Close()
		return fmt.Errorf("write private key: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write private key: %w", err)
	}
	if err := os.WriteFile(*out+".pub", pubPEM, 0o644); err != nil {
		return fmt.Errorf("write public key: %w", err)
	}
	fmt.Fprintf(stdout, "private key %s.key\npublic key  %s.pub\nkeyid       %s\n", *out, *out, dsse.KeyID(pub))
	return nil
}

// loadTrustKeys reads every public key of every file.
func loadTrustKeys(files []string) (*dsse.KeyRing, error) {
	var keys []ed25519.PublicKey
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read trust key: %w", err)
		}
		k, err := dsse.ParsePublicKeys(b)
		if err != nil {
			return nil, fmt.Errorf("trust key %s: %w", f, err)
		}
		keys = append(keys, k...)
	}
	return dsse.NewKeyRing(keys...)
}
