package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/dsse"
)

// runRollback withdraws a scope's policy: it publishes, signed and with
// push's safety checks, a newer document of that scope with no policy
// keys, so the scope's previous document is replaced by nothing and the
// terminals fall back to the layers below (defaults, fleet, site).
func runRollback(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("rollback", stderr)
	var pf pushFlags
	pf.bf.register(fs)
	pf.register(fs)
	site := fs.String("site", "", "site id")
	terminal := fs.String("terminal", "", "terminal id (with --site): roll back that terminal's document")
	fleet := fs.Bool("fleet", false, "roll back the fleet document")
	if err := parse(fs, args); err != nil {
		return err
	}
	// Here --key is the signing key, as in sign; the TLS client key is --tls-key.
	keyFile := pf.bf.key
	pf.bf.key = pf.bf.tlsKey
	d, err := rollbackTopic(*fleet, *site, *terminal)
	if err != nil {
		return err
	}
	if keyFile == "" || fs.NArg() != 0 {
		return usagef("want --key KEY (the signing key) and no arguments")
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return fmt.Errorf("read key: %w", err)
	}
	key, err := dsse.ParsePrivateKey(keyPEM)
	if err != nil {
		return err
	}
	p, err := pf.open()
	if err != nil {
		return err
	}
	defer p.close()
	version := p.nextVersion(d)
	payload, err := headerOnly(d, version, time.Now())
	if err != nil {
		return err
	}
	env, err := dsse.Sign(dsse.TypeConfig, payload, key)
	if err != nil {
		return err
	}
	raw, err := env.Marshal()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rollback of %s: v%d with no policy keys\n", d, version)
	return p.push(stdout, stderr, d, raw, env)
}

// rollbackTopic picks the scope from --fleet, --site and --terminal.
func rollbackTopic(fleet bool, site, terminal string) (docTopic, error) {
	switch {
	case fleet && site == "" && terminal == "":
		return scopeTopic(config.ScopeFleet, "", "")
	case !fleet && site != "" && terminal == "":
		return scopeTopic(config.ScopeSite, site, "")
	case !fleet && site != "" && terminal != "":
		return scopeTopic(config.ScopeTerminal, site, terminal)
	}
	return docTopic{}, usagef("want --fleet, --site S, or --site S --terminal T")
}

// nextVersion is one more than the highest version of d's scope the
// broker retains or any terminal reports applied.
func (p *pusher) nextVersion(d docTopic) int64 {
	var v int64
	if cur, ok := p.view.docs[d.String()]; ok {
		if env, err := dsse.Parse(cur, dsse.MaxConfigEnvelope); err == nil {
			if rv, ok := docVersion(d.kind, env.Payload); ok {
				v = rv
			}
		}
	}
	if av, _ := p.view.appliedVersion(d, p.view.audience(d)); av > v {
		v = av
	}
	return v + 1
}

// headerOnly is a configuration document of d's scope with no policy keys.
func headerOnly(d docTopic, version int64, now time.Time) ([]byte, error) {
	doc := map[string]any{"version": version, "issued": now.UTC().Format(time.RFC3339), "scope": d.scope}
	if d.site != "" {
		doc["site"] = d.site
	}
	if d.terminal != "" {
		doc["terminal"] = d.terminal
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode rollback document: %w", err)
	}
	return b, nil
}
