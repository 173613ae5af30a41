// Command tgctl is the bank IT tool for transferguard: it makes Ed25519
// signing keys, signs configuration and watchlist documents into DSSE
// envelopes (CONTRACT §5), verifies them, pushes them to the broker as
// retained messages and shows what every terminal runs; for demos and
// integrators it also follows alerts live (watch) and plays a guard
// console (dispatch).
//
// Exit codes: 0 success, 1 the operation failed (invalid document, refused
// signature, broker unreachable), 2 bad flags or usage, with a one-line
// error on stderr.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

const usage = `usage: tgctl <command> [flags]

commands:
  keygen  --out PREFIX                          make PREFIX.key (private) and PREFIX.pub
  sign    --key KEY --type config|watchlist IN  sign a YAML or JSON document; envelope on stdout
  verify  --trust-key PUB ENVELOPE              check an envelope's signature and document
  push    --broker URL --trust-key PUB [--topic T] ENVELOPE  check, then publish retained to the document's topic
  clear   --broker URL --topic T | --site S [--terminal T] | --scope fleet  remove a stray retained document
  policy  --broker URL --trust-key PUB --site S [--terminal T] [--json]  the merged policy a terminal runs, key by key
  rollback --broker URL --trust-key PUB --key KEY --fleet | --site S [--terminal T]  withdraw a scope's policy
  status  --broker URL [--site S] [--json]      table of every terminal's status and config state
  watch   --broker URL [--site S] [--json]      print alerts, sessions and status changes until SIGINT
  dispatch --broker URL --site S --terminal T --alert ID --state claimed|arrived|resolved  as a guard console
  acl     --inventory FILE [--out FILE]         mosquitto acl_file: each terminal locked to its own topics
  cert    ca --out DIR | issue --ca DIR --cn NAME --out DIR [--server]  offline CA and broker TLS certificates
  webhook-listen --secret-env VAR [--addr A]    receive tgdispatch's signed webhook, verify and print each event
  backtest --config DOC --sessions RECORDS.jsonl [--json]  what a candidate policy would have done with recorded sessions

tgctl <command> -h lists the flags of a command (docs/tgctl.md).`

// usageError is a bad command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// command is one tgctl subcommand.
type command func(args []string, stdout, stderr io.Writer) error

var commands = map[string]command{
	"keygen":   runKeygen,
	"sign":     runSign,
	"verify":   runVerify,
	"push":     runPush,
	"clear":    runClear,
	"policy":   runPolicy,
	"rollback": runRollback,
	"status":   runStatus,
	"watch":    runWatch,
	"dispatch": runDispatch,
	"acl":      runACL,
	"cert":     runCert,

	"webhook-listen": runWebhookListen, // docs/notifications.md
	"backtest":       runBacktest,      // docs/tgctl.md
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "tgctl: unknown command %q (keygen, sign, verify, push, clear, policy, rollback, status, watch, dispatch, acl, cert, webhook-listen, backtest)\n", args[0])
		return 2
	}
	err := cmd(args[1:], stdout, stderr)
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "tgctl %s: %s\n", args[0], oneLine(err.Error()))
		return 2
	default:
		fmt.Fprintf(stderr, "tgctl %s: %s\n", args[0], oneLine(err.Error()))
		return 1
	}
}

// newFlags returns a flag set that reports errors as usage errors.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("tgctl "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse parses flags; a bad flag is a usage error (flag prints the usage).
func parse(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(os.Stderr)
			fs.PrintDefaults()
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
