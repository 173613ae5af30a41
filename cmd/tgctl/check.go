package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/remote"
	"github.com/transferguard/transferguard/agent/wire"
)

// check runs the push safety checks on an envelope for topic d against
// the fleet view: a trusted signature, a version higher than the retained
// copy and than what any terminal applied, an audience that exists, and
// the verdict of the agent's own code (agent/remote) for each kind of
// terminal that reads the topic. It returns the failures, and notes that
// do not refuse (keys the new document drops from its scope).
func (p *pusher) check(d docTopic, env *dsse.Envelope, raw []byte) (problems, notes []string) {
	add := func(f string, a ...any) { problems = append(problems, fmt.Sprintf(f, a...)) }
	if p.ring == nil {
		add("signature not checked: no --trust-key")
	} else if _, err := p.ring.Verify(env); err != nil {
		add("%v", signerError(env, p.ring, err))
	}
	for _, f := range p.view.denied {
		add("the broker does not let this identity read %s, so retained versions and terminals cannot be checked", f)
	}
	version, ok := docVersion(d.kind, env.Payload)
	aud := p.view.audience(d)
	if ok {
		problems = append(problems, p.versionProblems(d, version, aud)...)
	}
	if len(aud) == 0 {
		add("%s", p.noAudience(d))
	}
	problems = append(problems, p.verdicts(d, env, raw, aud)...)
	return problems, p.dropped(d, env)
}

// versionProblems refuses a version not higher than the retained copy's
// or than one a terminal of the audience applied for that scope.
func (p *pusher) versionProblems(d docTopic, version int64, aud []string) []string {
	var out []string
	if cur, ok := p.view.docs[d.String()]; ok {
		if env, err := dsse.Parse(cur, dsse.MaxWatchlistEnvelope); err == nil {
			if rv, ok := docVersion(d.kind, env.Payload); ok && rv >= version {
				out = append(out, fmt.Sprintf("stale version: the broker retains v%d on %s and this is v%d (a terminal refuses it as %s)",
					rv, d, version, remote.ReasonStaleVersion))
			}
		}
	}
	if av, who := p.view.appliedVersion(d, aud); av >= version && av > 0 {
		out = append(out, fmt.Sprintf("stale version: terminal %s reports v%d applied for this scope and this is v%d", who, av, version))
	}
	return out
}

// noAudience explains an empty audience, naming who did report.
func (p *pusher) noAudience(d docTopic) string {
	status := statusFilter(d)
	others := p.view.reported()
	if len(others) == 0 {
		return fmt.Sprintf("empty audience: no terminal has ever reported on %s, so nobody reads %s (wrong broker, or a site/terminal id typo?)", status, d)
	}
	return fmt.Sprintf("empty audience: no terminal has ever reported on %s, so nobody reads %s; terminals that did report:%s (ids are case-sensitive)",
		status, d, listSome(others))
}

// verdicts offers the document, with agent/remote exactly as a terminal
// does, to one terminal of each kind in the audience (one per site, and
// one per terminal that has its own document); every refusal is a
// problem that names its reason and the terminals it stands for.
func (p *pusher) verdicts(d docTopic, env *dsse.Envelope, raw []byte, aud []string) []string {
	if p.ring == nil {
		if err := validate(d.kind, env.Payload); err != nil {
			return []string{fmt.Sprintf("document invalid: %v", err)}
		}
		return nil
	}
	groups := p.representatives(d, aud)
	byText := map[string][]string{}
	for rep, members := range groups {
		site, terminal := splitID(rep)
		if rej := p.simulate(d, site, terminal, raw); rej != "" {
			byText[rej] = append(byText[rej], members...)
		}
	}
	out := make([]string, 0, len(byText))
	for text, who := range byText {
		sort.Strings(who)
		out = append(out, fmt.Sprintf("a terminal would reject it: %s%s", text, listSome(who)))
	}
	sort.Strings(out)
	return out
}

// representatives groups the audience by what they read besides d: the
// site's document and, where one is retained, the terminal's own. With no
// audience, the topic's ids (or placeholders) stand in.
func (p *pusher) representatives(d docTopic, aud []string) map[string][]string {
	if len(aud) == 0 {
		site, terminal := d.site, d.terminal
		if site == "" {
			site = "any-site"
		}
		if terminal == "" {
			terminal = "any-terminal"
		}
		return map[string][]string{site + "/" + terminal: nil}
	}
	reps := map[string]string{} // group key → representative
	groups := map[string][]string{}
	for _, id := range aud {
		site, terminal := splitID(id)
		key := site + "/"
		if d.kind == remote.KindConfig {
			if _, own := p.view.docs[remote.ConfigTopic(config.ScopeTerminal, site, terminal)]; own {
				key += terminal
			}
		}
		if _, ok := reps[key]; !ok {
			reps[key] = id
		}
		groups[reps[key]] = append(groups[reps[key]], id)
	}
	return groups
}

// simulate runs agent/remote as terminal site/terminal: it offers the
// retained documents that terminal reads (as it would at connect), then
// raw on d; it returns the rejection as "reason: text", or "".
func (p *pusher) simulate(d docTopic, site, terminal string, raw []byte) string {
	r, err := remote.New(remote.Options{Keys: p.ring, Site: site, Terminal: terminal,
		Store: &remote.MemStore{}, Clock: clock.Real{}, Log: zerolog.Nop()})
	if err != nil {
		return err.Error()
	}
	for _, t := range remote.Subscriptions(site, terminal) {
		td, _ := parseDocTopic(t)
		if cur, ok := p.view.docs[t]; ok && td.kind == d.kind {
			_, _ = r.Offer(t, cur) // a retained document the terminal refuses is not in force there either
		}
	}
	_, err = r.Offer(d.String(), raw)
	var rej *remote.Rejection
	if errors.As(err, &rej) {
		return fmt.Sprintf("%s: %s", rej.Reason, rej.Text)
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// dropped notes the policy keys the retained document of the same scope
// sets and the new one does not: a newer document replaces its scope's
// previous one entirely, so they fall back to the layers below.
func (p *pusher) dropped(d docTopic, env *dsse.Envelope) []string {
	if d.kind != remote.KindConfig {
		return nil
	}
	cur, ok := p.view.docs[d.String()]
	if !ok {
		return nil
	}
	old, err := dsse.Parse(cur, dsse.MaxConfigEnvelope)
	if err != nil {
		return nil
	}
	od, err1 := config.ParseDocument(old.Payload)
	nd, err2 := config.ParseDocument(env.Payload)
	if err1 != nil || err2 != nil {
		return nil
	}
	newLeaves := map[string]bool{}
	for _, l := range leaves("", nd.Body) {
		newLeaves[l.path] = true
	}
	var gone []string
	for _, l := range leaves("", od.Body) {
		if !newLeaves[l.path] {
			gone = append(gone, l.path)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("v%d replaces v%d of %s entirely; keys v%d set that v%d does not, which fall back to the layers below: %s",
		nd.Version, od.Version, d, od.Version, nd.Version, strings.Join(gone, ", "))}
}

// statusFilter is the status topic of the terminals that read d.
func statusFilter(d docTopic) string {
	site, terminal := d.site, d.terminal
	if site == "" {
		site = wire.Any
	}
	if terminal == "" {
		terminal = wire.Any
	}
	return wire.TerminalTopic(site, terminal, wire.TopicStatus)
}
