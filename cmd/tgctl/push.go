package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/wire"
)

// pushFlags are the flags of every command that publishes a document
// (push, rollback): where, whom to trust, and whether to skip the checks.
type pushFlags struct {
	bf    brokerFlags
	trust multiFlag
	force bool
	wait  time.Duration
}

func (p *pushFlags) register(fs *flag.FlagSet) {
	fs.Var(&p.trust, "trust-key", "trusted public key file (PEM), as installed on the terminals; repeatable; required unless --force")
	fs.BoolVar(&p.force, "force", false, "publish even when a safety check fails (each failure is printed as a warning)")
	fs.DurationVar(&p.wait, "wait", time.Second, "how long to collect the broker's retained messages")
}

// pusher is one connection that read the fleet view before publishing.
type pusher struct {
	f    *pushFlags
	ring *dsse.KeyRing // nil only with --force and no --trust-key
	c    mqtt.Client
	view *fleetView
}

// open loads the trusted keys, connects and reads what the broker retains.
func (f *pushFlags) open() (*pusher, error) {
	p := &pusher{f: f}
	if len(f.trust) == 0 && !f.force {
		return nil, usagef("--trust-key is required (the keys the terminals trust), or --force")
	}
	if len(f.trust) > 0 {
		ring, err := loadTrustKeys(f.trust)
		if err != nil {
			return nil, err
		}
		p.ring = ring
	}
	c, err := f.bf.connect()
	if err != nil {
		return nil, err
	}
	// The whole fleet, not only d's site: a typo's hint names who did report.
	v, err := f.bf.readView(c, viewFilters(wire.Any), f.wait)
	if err != nil {
		c.Disconnect(250)
		return nil, err
	}
	p.c, p.view = c, v
	return p, nil
}

func (p *pusher) close() { p.c.Disconnect(250) }

// push checks raw for topic d and publishes it retained. A failed check
// refuses the push (exit 1) unless --force, which prints it as a warning.
func (p *pusher) push(stdout, stderr io.Writer, d docTopic, raw []byte, env *dsse.Envelope) error {
	if bytes.Equal(p.view.docs[d.String()], raw) {
		fmt.Fprintf(stdout, "already retained on %s: nothing pushed\n", d)
		return nil
	}
	problems, notes := p.check(d, env, raw)
	if len(problems) > 0 && !p.f.force {
		return fmt.Errorf("refused to push to %s: %s (nothing published; --force to push anyway)", d, strings.Join(problems, "; "))
	}
	for _, n := range notes {
		fmt.Fprintf(stderr, "tgctl: note: %s\n", n)
	}
	for _, pr := range problems {
		fmt.Fprintf(stderr, "tgctl: warning: %s (pushed anyway: --force)\n", pr)
	}
	if err := p.f.bf.publish(p.c, d.String(), true, raw); err != nil {
		return err
	}
	aud := p.view.audience(d)
	fmt.Fprintf(stdout, "pushed %d bytes to %s (retained, QoS 1); read by %d terminal(s)%s\n",
		len(raw), d, len(aud), listSome(aud))
	return nil
}

// readEnvelope reads and parses an envelope file (not verified).
func readEnvelope(path string) ([]byte, *dsse.Envelope, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read envelope: %w", err)
	}
	env, err := dsse.Parse(raw, dsse.MaxWatchlistEnvelope)
	if err != nil {
		return nil, nil, err
	}
	return raw, env, nil
}

// runPush publishes an envelope retained with QoS 1 after the safety
// checks (docs/signing.md, "Push safety"). The topic comes from --topic,
// from --scope/--site/--terminal, or from the document itself.
func runPush(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("push", stderr)
	var pf pushFlags
	pf.bf.register(fs)
	pf.register(fs)
	topic := fs.String("topic", "", "topic to publish to (default: from the document)")
	scope := fs.String("scope", "", "config scope: fleet, site or terminal (instead of --topic)")
	site := fs.String("site", "", "site id for --scope site|terminal")
	terminal := fs.String("terminal", "", "terminal id for --scope terminal")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want one envelope file")
	}
	raw, env, err := readEnvelope(fs.Arg(0))
	if err != nil {
		return err
	}
	d, err := envelopeTopic(env, *topic, *scope, *site, *terminal)
	if err != nil {
		return err
	}
	p, err := pf.open()
	if err != nil {
		return err
	}
	defer p.close()
	return p.push(stdout, stderr, d, raw, env)
}

// listSome formats up to five ids as " (a, b, …)".
func listSome(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	if len(ids) > 5 {
		return " (" + strings.Join(ids[:5], ", ") + fmt.Sprintf(", and %d more)", len(ids)-5)
	}
	return " (" + strings.Join(ids, ", ") + ")"
}
