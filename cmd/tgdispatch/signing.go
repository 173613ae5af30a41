package main

import (
	"crypto/ed25519"
	"fmt"
	"os"

	"github.com/transferguard/transferguard/agent/dsse"
)

// loadSigningKey reads the --signing-key file (a PEM PKCS#8 Ed25519 key as
// tgctl keygen writes it); "" means no key, and dispatch goes unsigned.
func loadSigningKey(path string) (ed25519.PrivateKey, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--signing-key: %w", err)
	}
	k, err := dsse.ParsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("--signing-key %s: %w", path, err)
	}
	return k, nil
}
