package main

// tgctl acl: a mosquitto acl_file generated from an inventory of the fleet.
//
// # Trust model
//
// The broker knows a client by the common name of its TLS client certificate
// (mosquitto's use_identity_as_username), so a user name here is an
// identity the bank's CA vouched for, never one a client chose. Every rule
// is an explicit "user" block: nothing is granted by pattern (%u/%c), and a
// client whose name is not in the inventory gets nothing at all.
//
//   - a terminal writes only its own status, alert, session and config/state,
//     and reads only its own dispatch and the configuration and watchlist
//     topics that address it;
//   - only tgdispatch identities write dispatch (and read what ingest reads);
//   - only bank IT identities write config/set and watchlist/set (and read
//     status and config/state, which tgctl status shows).

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"gopkg.in/yaml.v3"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/remote"
	"github.com/transferguard/transferguard/agent/wire"
)

// Inventory is the fleet as the broker must know it: which terminals exist
// at which site, and which certificate names belong to tgdispatch and to
// bank IT.
type Inventory struct {
	Sites    []InventorySite `yaml:"sites"`
	Dispatch []string        `yaml:"dispatch"` // CNs of tgdispatch instances
	IT       []string        `yaml:"it"`       // CNs of bank IT pushers (tgctl push/status)
}

// InventorySite is one site and its terminal ids.
type InventorySite struct {
	ID        string   `yaml:"id"`
	Terminals []string `yaml:"terminals"`
}

// TerminalIdentity is the certificate CN (and broker user name) of a
// terminal: tg-<site>-<terminal>.
func TerminalIdentity(site, terminal string) string { return "tg-" + site + "-" + terminal }

// ParseInventory reads inventory YAML; unknown keys are errors, and every
// problem is reported with its place.
func ParseInventory(b []byte) (*Inventory, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var inv Inventory
	if err := dec.Decode(&inv); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("inventory: %w", err)
	}
	if errs := inv.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("inventory: %w", errors.Join(errs...))
	}
	return &inv, nil
}

// Validate checks ids and names and that no two clients share an identity.
func (inv *Inventory) Validate() []error {
	var errs []error
	seen := map[string]string{} // identity -> where
	claim := func(id, where string) {
		if prev, ok := seen[id]; ok {
			errs = append(errs, fmt.Errorf("%s: identity %q already used by %s", where, id, prev))
			return
		}
		seen[id] = where
	}
	if len(inv.Sites) == 0 {
		errs = append(errs, errors.New("sites: at least one site is required"))
	}
	for i, s := range inv.Sites {
		where := fmt.Sprintf("sites[%d]", i)
		if !envelope.ValidID(s.ID) {
			errs = append(errs, fmt.Errorf("%s.id: %q must match [A-Za-z0-9_-]{1,64}", where, s.ID))
		}
		for j, term := range s.Terminals {
			tw := fmt.Sprintf("%s.terminals[%d]", where, j)
			if !envelope.ValidID(term) {
				errs = append(errs, fmt.Errorf("%s: %q must match [A-Za-z0-9_-]{1,64}", tw, term))
				continue
			}
			claim(TerminalIdentity(s.ID, term), tw)
		}
	}
	for role, names := range map[string][]string{"dispatch": inv.Dispatch, "it": inv.IT} {
		for i, n := range names {
			where := fmt.Sprintf("%s[%d]", role, i)
			if !validIdentity(n) {
				errs = append(errs, fmt.Errorf("%s: %q must be 1-64 of A-Z a-z 0-9 . _ @ -", where, n))
				continue
			}
			claim(n, where)
		}
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errs
}

// validIdentity admits certificate CNs that are safe as an acl_file user
// name: no spaces, no MQTT wildcards, no '%' or '/'.
func validIdentity(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '_' || c == '-' || c == '.' || c == '@'
		if !ok {
			return false
		}
	}
	return true
}

// aclBlock is one user and its rules, in the order written.
type aclBlock struct {
	user, comment string
	read, write   []string
}

// terminalBlock is what one terminal may do.
func terminalBlock(site, terminal string) aclBlock {
	b := aclBlock{user: TerminalIdentity(site, terminal), comment: "terminal " + site + "/" + terminal}
	for _, s := range []wire.Suffix{wire.TopicStatus, wire.TopicAlert, wire.TopicSession, wire.TopicConfigState} {
		b.write = append(b.write, wire.TerminalTopic(site, terminal, s))
	}
	b.read = append([]string{wire.TerminalTopic(site, terminal, wire.TopicDispatch)}, remote.Subscriptions(site, terminal)...)
	return b
}

// dispatchBlock is what a tgdispatch instance may do: write every
// terminal's dispatch, read what its ingest subscribes to.
func dispatchBlock(user string) aclBlock {
	return aclBlock{user: user, comment: "tgdispatch",
		write: []string{wire.TerminalTopic(wire.Any, wire.Any, wire.TopicDispatch)},
		read: []string{
			wire.TerminalTopic(wire.Any, wire.Any, wire.TopicAlert),
			wire.TerminalTopic(wire.Any, wire.Any, wire.TopicSession),
			wire.TerminalTopic(wire.Any, wire.Any, wire.TopicStatus),
			wire.TerminalTopic(wire.Any, wire.Any, wire.TopicConfigState),
		}}
}

// itBlock is what a bank IT pusher may do: write configuration at every
// scope and the watchlist; read them back (tgctl push compares with the
// retained copy before it publishes), and read status and configuration
// state.
func itBlock(user string) aclBlock {
	docs := []string{
		remote.FleetConfigTopic,
		remote.ConfigTopic(config.ScopeSite, wire.Any, ""),
		remote.ConfigTopic(config.ScopeTerminal, wire.Any, wire.Any),
		remote.WatchlistTopic,
	}
	return aclBlock{user: user, comment: "bank IT",
		write: docs,
		read: append(slices.Clone(docs),
			wire.TerminalTopic(wire.Any, wire.Any, wire.TopicStatus),
			wire.TerminalTopic(wire.Any, wire.Any, wire.TopicConfigState),
		)}
}

// ACL renders the inventory as a mosquitto acl_file. The output is stable
// (inventory order), so a change to the fleet is a readable diff.
func (inv *Inventory) ACL(source string) []byte {
	var w bytes.Buffer
	fmt.Fprintf(&w, "# mosquitto acl_file generated by `tgctl acl` from %s; do not edit, regenerate.\n", source)
	w.WriteString("# No rule stands before the first user line: a client without an identity\n" +
		"# gets nothing, and so does any identity not listed below.\n")
	var blocks []aclBlock
	for _, u := range inv.Dispatch {
		blocks = append(blocks, dispatchBlock(u))
	}
	for _, u := range inv.IT {
		blocks = append(blocks, itBlock(u))
	}
	for _, s := range inv.Sites {
		for _, term := range s.Terminals {
			blocks = append(blocks, terminalBlock(s.ID, term))
		}
	}
	for _, b := range blocks {
		fmt.Fprintf(&w, "\n# %s\nuser %s\n", b.comment, b.user)
		for _, t := range b.write {
			fmt.Fprintf(&w, "topic write %s\n", t)
		}
		for _, t := range b.read {
			fmt.Fprintf(&w, "topic read %s\n", t)
		}
	}
	return w.Bytes()
}

// runACL is `tgctl acl --inventory FILE [--out FILE]`.
func runACL(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("acl", stderr)
	in := fs.String("inventory", "", "inventory YAML: sites and terminals, dispatch and it identities")
	out := fs.String("out", "", "write the acl_file here (default stdout)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *in == "" || fs.NArg() != 0 {
		return usagef("want --inventory FILE and no arguments")
	}
	raw, err := os.ReadFile(*in)
	if err != nil {
		return fmt.Errorf("read inventory: %w", err)
	}
	inv, err := ParseInventory(raw)
	if err != nil {
		return err
	}
	acl := inv.ACL(filepath.Base(*in))
	if *out == "" {
		_, err = stdout.Write(acl)
		return err
	}
	if err := os.WriteFile(*out, acl, 0o644); err != nil {
		return fmt.Errorf("write acl: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s\n", *out)
	return nil
}
