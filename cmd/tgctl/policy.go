package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/remote"
)

// layerDefaults names the shipped defaults as a source.
const layerDefaults = "defaults"

// layer is one configuration layer in force: its scope and, for a signed
// document, its version and signer.
type layer struct {
	Scope   string         `json:"scope"`
	Topic   string         `json:"topic,omitempty"`
	Version int64          `json:"version,omitempty"`
	KeyID   string         `json:"keyid,omitempty"`
	body    map[string]any // the policy keys of this layer
}

// refused is a retained document the terminal would not run.
type refused struct {
	Topic  string `json:"topic"`
	Reason string `json:"reason"`
	Text   string `json:"text"`
}

// effective is what policy prints: the layers, the merged policy and,
// for each leaf key, the layer it came from.
type effective struct {
	Site     string            `json:"site"`
	Terminal string            `json:"terminal,omitempty"`
	Layers   []layer           `json:"layers"`
	Refused  []refused         `json:"refused"`
	Policy   map[string]any    `json:"policy"`
	Sources  map[string]string `json:"sources"`
}

// runPolicy prints the policy a terminal runs: the shipped defaults, then
// the retained fleet, site and terminal documents it accepts, merged by
// agent/config as the agent merges them.
func runPolicy(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("policy", stderr)
	var pf pushFlags
	pf.bf.register(fs)
	fs.Var(&pf.trust, "trust-key", "trusted public key file (PEM), as installed on the terminals; repeatable; required")
	fs.DurationVar(&pf.wait, "wait", time.Second, "how long to collect the broker's retained messages")
	site := fs.String("site", "", "site id (required)")
	terminal := fs.String("terminal", "", "terminal id (without it: the site's policy, no terminal document)")
	asJSON := fs.Bool("json", false, "print {site, terminal, layers, refused, policy, sources} as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *site == "" || len(pf.trust) == 0 || fs.NArg() != 0 {
		return usagef("want --site S [--terminal T] --trust-key PUB and no arguments")
	}
	scope := config.ScopeSite
	if *terminal != "" {
		scope = config.ScopeTerminal
	}
	if _, err := scopeTopic(scope, *site, *terminal); err != nil { // ids usable in a topic
		return err
	}
	p, err := pf.open()
	if err != nil {
		return err
	}
	defer p.close()
	eff, err := p.effective(*site, *terminal)
	if err != nil {
		return err
	}
	if *asJSON {
		b, err := json.MarshalIndent(eff, "", "  ")
		if err != nil {
			return fmt.Errorf("encode policy: %w", err)
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	printPolicy(stdout, eff)
	return nil
}

// effective offers the retained documents of site/terminal to agent/remote
// in merge order, keeps those it accepts, and merges them with
// config.Merge over the shipped defaults.
func (p *pusher) effective(site, terminal string) (*effective, error) {
	name := terminal
	if name == "" {
		name = "any-terminal" // a site's policy: no terminal document is offered
	}
	r, err := remote.New(remote.Options{Keys: p.ring, Site: site, Terminal: name,
		Store: &remote.MemStore{}, Clock: clock.Real{}, Log: zerolog.Nop()})
	if err != nil {
		return nil, err
	}
	eff := &effective{Site: site, Terminal: terminal, Refused: []refused{},
		Layers: []layer{{Scope: layerDefaults, body: config.Defaults()}}}
	for _, scope := range []string{config.ScopeFleet, config.ScopeSite, config.ScopeTerminal} {
		if scope == config.ScopeTerminal && terminal == "" {
			continue
		}
		topic := remote.ConfigTopic(scope, site, terminal)
		raw, ok := p.view.docs[topic]
		if !ok {
			continue
		}
		var rej *remote.Rejection
		if _, err := r.Offer(topic, raw); errors.As(err, &rej) {
			eff.Refused = append(eff.Refused, refused{Topic: topic, Reason: string(rej.Reason), Text: rej.Text})
			continue
		}
		l, err := p.layerOf(scope, topic, raw)
		if err != nil {
			return nil, err
		}
		eff.Layers = append(eff.Layers, l)
	}
	eff.Policy, eff.Sources = mergeWithSources(eff.Layers)
	return eff, nil
}

// layerOf reads an accepted document into a layer.
func (p *pusher) layerOf(scope, topic string, raw []byte) (layer, error) {
	env, err := dsse.Parse(raw, dsse.MaxConfigEnvelope)
	if err != nil {
		return layer{}, err
	}
	keyID, err := p.ring.Verify(env)
	if err != nil {
		return layer{}, err
	}
	doc, err := config.ParseDocument(env.Payload)
	if err != nil {
		return layer{}, err
	}
	return layer{Scope: scope, Topic: topic, Version: doc.Version, KeyID: keyID, body: doc.Body}, nil
}

// mergeWithSources merges the layers with config.Merge (the agent's merge)
// and names, for every leaf of the result, the last layer that set it.
func mergeWithSources(layers []layer) (map[string]any, map[string]string) {
	merged := map[string]any{}
	for _, l := range layers {
		merged = config.Merge(merged, l.body)
	}
	sources := map[string]string{}
	for _, l := range layers { // later layers overwrite: the last that set a leaf wins
		for _, lf := range leaves("", l.body) {
			sources[lf.path] = l.Scope
		}
	}
	out := map[string]string{}
	for _, lf := range leaves("", merged) {
		out[lf.path] = sources[lf.path]
	}
	return merged, out
}

// leaf is one key path of a layer and its value; lists and empty maps are
// leaves, as config.Merge replaces them whole.
type leaf struct {
	path  string
	value any
}

// leaves lists the leaf paths of m in order.
func leaves(prefix string, m map[string]any) []leaf {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []leaf
	for _, k := range keys {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		if sub, ok := m[k].(map[string]any); ok && len(sub) > 0 {
			out = append(out, leaves(path, sub)...)
			continue
		}
		out = append(out, leaf{path: path, value: m[k]})
	}
	return out
}

// printPolicy prints one line per leaf: path, value (JSON), source.
func printPolicy(w io.Writer, eff *effective) {
	names := make([]string, 0, len(eff.Layers))
	for _, l := range eff.Layers {
		if l.Version == 0 {
			names = append(names, l.Scope)
			continue
		}
		names = append(names, fmt.Sprintf("%s v%d (keyid %.12s)", l.Scope, l.Version, l.KeyID))
	}
	who := eff.Site
	if eff.Terminal != "" {
		who += "/" + eff.Terminal
	}
	fmt.Fprintf(w, "# effective policy of %s: %s\n", who, strings.Join(names, " + "))
	fmt.Fprintln(w, "# not known here: a local --config file on the terminal (it sits between defaults and fleet)")
	for _, r := range eff.Refused {
		fmt.Fprintf(w, "# refused, not in force: %s %s: %s\n", r.Topic, r.Reason, r.Text)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tFROM")
	for _, l := range leaves("", eff.Policy) {
		v, _ := json.Marshal(l.value)
		fmt.Fprintf(tw, "%s\t%s\t%s\n", l.path, v, eff.Sources[l.path])
	}
	_ = tw.Flush()
}
