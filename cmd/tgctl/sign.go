package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/watchlist"
)

var payloadTypes = map[string]string{"config": dsse.TypeConfig, "watchlist": dsse.TypeWatchlist}

// runSign signs a document. YAML is converted to JSON; the document is
// validated as the terminal would (a config over the shipped defaults) and
// refused if invalid, so a bad document never gets a signature.
func runSign(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sign", stderr)
	keyFile := fs.String("key", "", "Ed25519 private key (PEM PKCS#8, from tgctl keygen or openssl genpkey)")
	kind := fs.String("type", "", "document type: config or watchlist")
	out := fs.String("out", "", "write the envelope here instead of stdout")
	expires := fs.String("expires", "", "refuse the document after this: a duration from now (72h) or an RFC 3339 time")
	if err := parse(fs, args); err != nil {
		return err
	}
	payloadType, ok := payloadTypes[*kind]
	if *keyFile == "" || !ok || fs.NArg() != 1 {
		return usagef("want --key KEY --type config|watchlist and one document file")
	}
	keyPEM, err := os.ReadFile(*keyFile)
	if err != nil {
		return fmt.Errorf("read key: %w", err)
	}
	key, err := dsse.ParsePrivateKey(keyPEM)
	if err != nil {
		return err
	}
	payload, err := readDocument(fs.Arg(0))
	if err != nil {
		return err
	}
	if payload, err = withExpires(payload, *expires, time.Now()); err != nil {
		return err
	}
	if err := validate(*kind, payload); err != nil {
		return fmt.Errorf("not signed: %w", err)
	}
	env, err := dsse.Sign(payloadType, payload, key)
	if err != nil {
		return err
	}
	raw, err := env.Marshal()
	if err != nil {
		return err
	}
	raw = append(raw, '\n')
	if *out != "" {
		return os.WriteFile(*out, raw, 0o644)
	}
	_, err = stdout.Write(raw)
	return err
}

// readDocument returns the JSON payload of a .json file as is, or a YAML
// file converted to compact JSON.
func readDocument(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read document: %w", err)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		if !json.Valid(b) {
			return nil, fmt.Errorf("%s: not valid JSON", path)
		}
		var c bytes.Buffer
		if err := json.Compact(&c, b); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return c.Bytes(), nil
	case ".yaml", ".yml":
		m, err := config.ParseYAML(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		j, err := json.Marshal(m)
		if err != nil {
			return nil, fmt.Errorf("%s: convert to JSON: %w", path, err)
		}
		return j, nil
	default:
		return nil, fmt.Errorf("%s: want a .json, .yaml or .yml file", path)
	}
}

// validate checks a document as the terminal will.
func validate(kind string, payload []byte) error {
	if kind == "watchlist" {
		_, err := watchlist.ParseDocument(payload)
		return err
	}
	doc, err := config.ParseDocument(payload)
	if err != nil {
		return err
	}
	_, err = config.Build(config.Defaults(), doc.Body)
	return err
}

// runVerify checks an envelope against trusted keys and validates its
// document; it prints what it found.
func runVerify(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("verify", stderr)
	var trust multiFlag
	fs.Var(&trust, "trust-key", "trusted public key file (PEM, one or more keys); repeatable")
	printPayload := fs.Bool("payload", false, "print the verified document instead of a summary")
	if err := parse(fs, args); err != nil {
		return err
	}
	if len(trust) == 0 || fs.NArg() != 1 {
		return usagef("want --trust-key PUB and one envelope file")
	}
	ring, err := loadTrustKeys(trust)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("read envelope: %w", err)
	}
	env, err := dsse.Parse(raw, dsse.MaxWatchlistEnvelope)
	if err != nil {
		return err
	}
	keyID, err := ring.Verify(env)
	if err != nil {
		return signerError(env, ring, err)
	}
	kind := ""
	for k, t := range payloadTypes {
		if t == env.PayloadType {
			kind = k
		}
	}
	if kind == "" {
		return fmt.Errorf("signature ok (keyid %s), but the payload type %q is neither config nor watchlist", keyID, env.PayloadType)
	}
	if err := validate(kind, env.Payload); err != nil {
		return fmt.Errorf("signature ok (keyid %s), but the document is invalid: a terminal would refuse it: %w", keyID, err)
	}
	if *printPayload {
		_, err := stdout.Write(append(env.Payload, '\n'))
		return err
	}
	fmt.Fprintf(stdout, "OK %s keyid=%s %s\n", kind, keyID, summary(kind, env.Payload))
	return nil
}

// summary names a verified document: version and scope or entry count.
func summary(kind string, payload []byte) string {
	if kind == "watchlist" {
		d, err := watchlist.ParseDocument(payload)
		if err != nil {
			return ""
		}
		return fmt.Sprintf("version=%d issued=%s accounts=%d phones=%d", d.Version, d.Issued.Format("2006-01-02T15:04:05Z07:00"), d.List.Accounts(), d.List.Phones())
	}
	d, err := config.ParseDocument(payload)
	if err != nil {
		return ""
	}
	s := fmt.Sprintf("version=%d issued=%s scope=%s", d.Version, d.Issued.Format("2006-01-02T15:04:05Z07:00"), d.Scope)
	if d.Site != "" {
		s += " site=" + d.Site
	}
	if d.Terminal != "" {
		s += " terminal=" + d.Terminal
	}
	return s
}

var errNoTopic = errors.New("cannot tell the topic")
