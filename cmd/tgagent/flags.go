package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/envelope"
)

var errHelp = errors.New("help requested")

// options are the agent's settings after the --config file and the flags
// (flags win) are combined.
type options struct {
	file      *config.File
	serial    config.Serial
	broker    config.Broker
	site      string
	terminal  string
	ui        string
	stateDir  string
	trustKeys []string
	logLevel  string
	screenBin string
	font      string
	metrics   string // --metrics ADDR, empty: off
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func parseFlags(args []string) (*options, error) {
	fs := flag.NewFlagSet("tgagent", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var o options
	var trust multi
	cfgPath := fs.String("config", "", "YAML configuration file (flags override it)")
	fs.StringVar(&o.serial.Path, "serial", "", "serial device of the terminal controller")
	fs.IntVar(&o.serial.Baud, "baud", 0, "baud rate (default 115200)")
	fs.IntVar(&o.serial.DataBits, "data-bits", 0, "data bits (default 8)")
	fs.StringVar(&o.serial.Parity, "parity", "", "none, odd, even, mark or space (default none)")
	fs.StringVar(&o.serial.StopBits, "stop-bits", "", "1, 1.5 or 2 (default 1)")
	fs.StringVar(&o.broker.URL, "broker", "", "tcp://host:port, ssl://host:port or embedded")
	fs.StringVar(&o.site, "site", "", "site id [A-Za-z0-9_-]{1,64}")
	fs.StringVar(&o.terminal, "terminal", "", "terminal id [A-Za-z0-9_-]{1,64}")
	fs.StringVar(&o.ui, "ui", "", "window, fullscreen or none (default none)")
	fs.StringVar(&o.stateDir, "state-dir", "", "durable outbox, applied configuration (default /var/lib/transferguard)")
	fs.Var(&trust, "trust-key", "PEM file of Ed25519 public keys allowed to sign configuration (repeatable)")
	fs.StringVar(&o.logLevel, "log-level", "", "trace, debug, info, warn or error (default info)")
	fs.StringVar(&o.screenBin, "screen-bin", "", "tgscreen binary (default: beside tgagent)")
	fs.StringVar(&o.font, "font", "", "font file for tgscreen")
	fs.StringVar(&o.metrics, "metrics", "", "serve Prometheus /metrics on this address, e.g. 127.0.0.1:9464 (default off)")
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
	o.trustKeys = trust
	if err := o.merge(*cfgPath); err != nil {
		return nil, err
	}
	return &o, o.validate()
}

// merge fills what the flags left empty from the --config file, then the
// built-in defaults.
func (o *options) merge(path string) error {
	f := &config.File{}
	if path != "" {
		var err error
		if f, err = config.LoadFile(path); err != nil {
			return err
		}
	}
	o.file = f
	or := func(dst *string, vals ...string) {
		for _, v := range vals {
			if *dst == "" {
				*dst = v
			}
		}
	}
	or(&o.serial.Path, f.Serial.Path)
	or(&o.serial.Parity, f.Serial.Parity, "none")
	or(&o.serial.StopBits, f.Serial.StopBits, "1")
	if o.serial.Baud == 0 {
		o.serial.Baud = firstNonZero(f.Serial.Baud, 115200)
	}
	if o.serial.DataBits == 0 {
		o.serial.DataBits = firstNonZero(f.Serial.DataBits, 8)
	}
	fb := f.Broker
	or(&o.broker.URL, fb.URL)
	or(&o.broker.ClientID, fb.ClientID)
	or(&o.broker.Username, fb.Username)
	or(&o.broker.Password, fb.Password, os.Getenv("TG_BROKER_PASSWORD"))
	or(&o.broker.CAFile, fb.CAFile)
	or(&o.broker.CertFile, fb.CertFile)
	or(&o.broker.KeyFile, fb.KeyFile)
	or(&o.site, f.Site)
	or(&o.terminal, f.Terminal)
	or(&o.ui, f.UI, "none")
	or(&o.stateDir, f.StateDir, "/var/lib/transferguard")
	or(&o.logLevel, f.LogLevel, "info")
	or(&o.screenBin, f.Screen.Binary)
	or(&o.font, f.Screen.Font)
	if len(o.trustKeys) == 0 {
		o.trustKeys = f.TrustKeys
	}
	return nil
}

func firstNonZero(v ...int) int {
	for _, x := range v {
		if x != 0 {
			return x
		}
	}
	return 0
}

func (o *options) validate() error {
	switch {
	case o.serial.Path == "":
		return errors.New("--serial is required (or serial.path in --config)")
	case o.broker.URL == "":
		return errors.New("--broker is required (tcp://host:port, ssl://host:port or embedded)")
	case !envelope.ValidID(o.site):
		return fmt.Errorf("--site %q must be 1-64 of A-Z a-z 0-9 _ -", o.site)
	case !envelope.ValidID(o.terminal):
		return fmt.Errorf("--terminal %q must be 1-64 of A-Z a-z 0-9 _ -", o.terminal)
	}
	switch o.ui {
	case "none", "window", "fullscreen":
	default:
		return fmt.Errorf("--ui %q is not window, fullscreen or none", o.ui)
	}
	if _, err := zerolog.ParseLevel(o.logLevel); err != nil || o.logLevel == "" {
		return fmt.Errorf("--log-level %q is not trace, debug, info, warn or error", o.logLevel)
	}
	return nil
}
