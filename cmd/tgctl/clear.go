package main

import (
	"fmt"
	"io"

	"github.com/transferguard/transferguard/agent/config"
)

// runClear removes a stray retained document from the broker by
// publishing an empty retained message on its topic. A terminal ignores
// an empty message and keeps what it runs, so clearing never changes a
// terminal; it stops the stray copy from reaching terminals that connect
// later. Only document topics are accepted.
func runClear(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("clear", stderr)
	var bf brokerFlags
	bf.register(fs)
	topic := fs.String("topic", "", "document topic to clear")
	scope := fs.String("scope", "", "config scope: fleet, site or terminal (instead of --topic)")
	site := fs.String("site", "", "site id for --scope site|terminal")
	terminal := fs.String("terminal", "", "terminal id for --scope terminal")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("no arguments expected")
	}
	var d docTopic
	var err error
	switch {
	case *topic != "" && (*scope != "" || *site != "" || *terminal != ""):
		return usagef("--topic excludes --scope, --site and --terminal")
	case *topic != "":
		d, err = topicFlag(*topic)
	case *scope == "" && *site != "":
		*scope = config.ScopeSite
		if *terminal != "" {
			*scope = config.ScopeTerminal
		}
		d, err = scopeTopic(*scope, *site, *terminal)
	default:
		d, err = scopeTopic(*scope, *site, *terminal)
	}
	if err != nil {
		return err
	}
	c, err := bf.connect()
	if err != nil {
		return err
	}
	defer c.Disconnect(250)
	if err := bf.publish(c, d.String(), true, nil); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "cleared the retained document on %s (terminals keep what they run)\n", d)
	return nil
}
