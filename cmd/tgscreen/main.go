// Command tgscreen is the screen process of transferguard: it draws, with
// Ebiten, the screens tgagent decides, and reports touches, clicks and the
// Enter key back (docs/screen-protocol.md). tgagent starts and supervises
// it, so a crash here or a dead X server never stops the agent; or, where
// the agent is a service that cannot reach the customer's session, the
// kiosk's logon starts it with --connect and it dials the agent
// (tgagent --ui listen), showing standby while the agent is away.
//
//	tgscreen [--fullscreen] [--width W --height H] [--font FILE]
//	tgscreen --connect unix:/path/screen.sock|tcp:127.0.0.1:PORT [--token-file FILE] [--fullscreen] …
//	tgscreen --preview NAME --lang zh|en [--config FILE | --screen FILE] --out FILE.png
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/rs/zerolog"
)

func main() {
	o, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) { // usage already printed
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tgscreen:", err)
		os.Exit(2)
	}
	// Packages add their own "component"; "bin" tells tgscreen's lines
	// apart once the agent has passed them on to its own log.
	root := zerolog.New(os.Stderr).Level(o.logLevel).With().Timestamp().Str("bin", "tgscreen").Logger()
	log := root.With().Str("component", "tgscreen").Logger()
	if o.preview != "" {
		os.Exit(runPreview(o, log))
	}
	if err := runWindow(o, root); err != nil {
		log.Error().Err(err).Msg("screen stopped")
		os.Exit(1)
	}
}
