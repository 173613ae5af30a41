package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/drivers/mqttlink"
	"github.com/transferguard/transferguard/drivers/screenproc"
	"github.com/transferguard/transferguard/drivers/serialport"
)

var errHelp = errors.New("help requested")

// fileConfig is the agent's --config file: the identity and policy layer
// of config.File, and the sections owned by the drivers they configure.
// Zero driver fields mean the driver's defaults (115200 8N1 and so on).
type fileConfig struct {
	config.File `yaml:",inline"`
	Serial      serialport.Config `yaml:"serial"`
	Broker      mqttlink.Config   `yaml:"broker"`
	// DispatchKeys are PEM files of the Ed25519 keys allowed to sign
	// dispatch messages (CONTRACT §12); none: every dispatch is ignored.
	DispatchKeys []string `yaml:"dispatch_keys"`
	// Metrics is the address of the Prometheus /metrics endpoint
	// (CONTRACT §11); empty: off.
	Metrics string `yaml:"metrics"`
}

// options are the agent's settings: the --config file, then the flags
// over it (flags win), then the defaults for what is still empty.
type options struct {
	fileConfig
	cfgPath string
	listen  listenFlags
}

// listenFlags say where --ui listen waits for tgscreen --connect (flags
// only; docs/screen-protocol.md, "Connecting to the agent").
type listenFlags struct {
	addr, group, tokenFile string
}

// flagSet binds every flag to o's fields, so parsing over values read
// from the file overrides exactly the flags given.
func flagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("tgagent", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	s, b, f := &o.Serial, &o.Broker, &o.File
	fs.StringVar(&o.cfgPath, "config", "", "YAML configuration file (flags override it)")
	fs.StringVar(&s.Path, "serial", s.Path, "serial device of the terminal controller")
	fs.IntVar(&s.Baud, "baud", s.Baud, "baud rate (0: 115200)")
	fs.IntVar(&s.DataBits, "data-bits", s.DataBits, "data bits (0: 8)")
	fs.TextVar(&s.Parity, "parity", s.Parity, "none, odd, even, mark or space")
	fs.TextVar(&s.StopBits, "stop-bits", s.StopBits, "1, 1.5 or 2")
	fs.StringVar(&b.Broker, "broker", b.Broker, "tcp://host:port, ssl://host:port or embedded")
	fs.StringVar(&f.Site, "site", f.Site, "site id [A-Za-z0-9_-]{1,64}")
	fs.StringVar(&f.Terminal, "terminal", f.Terminal, "terminal id [A-Za-z0-9_-]{1,64}")
	fs.StringVar(&f.UI, "ui", f.UI, "window, fullscreen, listen (tgscreen --connect comes to the agent) or none (default none)")
	fs.StringVar(&o.listen.addr, "ui-addr", "", "with --ui listen: unix:/path or tcp:127.0.0.1:PORT (default "+defaultUIAddrHelp+")")
	fs.StringVar(&o.listen.group, "ui-group", "", "with --ui listen: the group allowed to connect (Linux; default the agent's own), or the account or group allowed to read the token (Windows; default Interactive)")
	fs.StringVar(&o.listen.tokenFile, "ui-token-file", "", "with --ui listen on tcp: where the agent writes the screen's token (default "+defaultTokenHelp+")")
	fs.StringVar(&f.StateDir, "state-dir", f.StateDir, `durable outbox, applied configuration (default /var/lib/transferguard; Windows: %ProgramData%\transferguard\state)`)
	fs.Func("trust-key", "PEM file of Ed25519 public keys allowed to sign configuration (repeatable)", trustFlag(f))
	fs.Func("dispatch-key", "PEM file of Ed25519 public keys allowed to sign dispatch (repeatable; none: every dispatch is ignored)", listFlag(&o.DispatchKeys))
	fs.StringVar(&f.LogLevel, "log-level", f.LogLevel, "trace, debug, info, warn or error (default info)")
	fs.StringVar(&f.Screen.Binary, "screen-bin", f.Screen.Binary, "tgscreen binary (default: beside tgagent)")
	fs.StringVar(&f.Screen.Font, "font", f.Screen.Font, "font file for tgscreen")
	fs.StringVar(&o.Metrics, "metrics", o.Metrics, "serve Prometheus /metrics on this address, e.g. 127.0.0.1:9464 (default off)")
	return fs
}

// trustFlag replaces the file's trust keys with the first --trust-key and
// adds the following ones.
func trustFlag(f *config.File) func(string) error { return listFlag(&f.TrustKeys) }

// listFlag is a repeatable flag over a list from the file: the first use
// replaces the file's list, later ones add to it.
func listFlag(list *[]string) func(string) error {
	given := false
	return func(v string) error {
		if !given {
			*list, given = nil, true
		}
		*list = append(*list, v)
		return nil
	}
}

func parseFlags(args []string) (*options, error) {
	var first options
	fs := flagSet(&first)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(os.Stdout)
			fs.Usage()
			return nil, errHelp
		}
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	o := &options{}
	if first.cfgPath != "" {
		if err := config.LoadFileInto(first.cfgPath, &o.fileConfig); err != nil {
			return nil, err
		}
	}
	if err := flagSet(o).Parse(args); err != nil { // parsed once already: cannot fail
		return nil, err
	}
	o.defaults()
	return o, o.validate()
}

// defaults fills what neither the file nor the flags set. The serial and
// broker defaults are the drivers' own.
func (o *options) defaults() {
	or := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	or(&o.Broker.Password, os.Getenv("TG_BROKER_PASSWORD"))
	or(&o.UI, "none")
	or(&o.StateDir, defaultStateDir())
	or(&o.LogLevel, "info")
	if o.UI == "listen" {
		or(&o.listen.addr, defaultUIAddr(o.StateDir))
		or(&o.listen.tokenFile, defaultTokenFile(o.StateDir))
	}
}

func (o *options) validate() error {
	switch {
	case o.Serial.Path == "":
		return errors.New("--serial is required (or serial.path in --config)")
	case o.Broker.Broker == "":
		return errors.New("--broker is required (tcp://host:port, ssl://host:port or embedded)")
	case !envelope.ValidID(o.Site):
		return fmt.Errorf("--site %q must be 1-64 of A-Z a-z 0-9 _ -", o.Site)
	case !envelope.ValidID(o.Terminal):
		return fmt.Errorf("--terminal %q must be 1-64 of A-Z a-z 0-9 _ -", o.Terminal)
	}
	switch o.UI {
	case "none", "window", "fullscreen":
		if o.listen != (listenFlags{}) {
			return errors.New("--ui-addr, --ui-group and --ui-token-file only go with --ui listen")
		}
	case "listen":
		if _, err := screenproc.ParseAddr(o.listen.addr); err != nil {
			return fmt.Errorf("--ui-addr: %w", err)
		}
	default:
		return fmt.Errorf("--ui %q is not window, fullscreen, listen or none", o.UI)
	}
	if _, err := zerolog.ParseLevel(o.LogLevel); err != nil || o.LogLevel == "" {
		return fmt.Errorf("--log-level %q is not trace, debug, info, warn or error", o.LogLevel)
	}
	return nil
}
