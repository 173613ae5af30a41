package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/transferguard/transferguard/agent/backtest"
)

// runBacktest replays recorded sessions under a candidate configuration
// document (CONTRACT §13): the document is built over the shipped
// defaults by agent/config as a terminal of its scope would build it, and
// each record's inputs are evaluated by agent/backtest. An invalid
// document exits 1 with every validation problem.
func runBacktest(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backtest", stderr)
	docFile := fs.String("config", "", "candidate configuration document (.json, .yaml or .yml, as tgctl sign takes it)")
	sessions := fs.String("sessions", "", "session records, one JSON object a line (- for stdin), as agents publish them or tgdispatch exports them")
	asJSON := fs.Bool("json", false, "print one JSON object instead of the table")
	dispatch := fs.String("dispatch", "", "read the session records from tgdispatch's console at this URL instead (with their outcomes)")
	user := fs.String("dispatch-user", "", "supervisor account for --dispatch; password in $"+dispatchPasswordEnv)
	from := fs.String("from", "", "with --dispatch: first day, YYYY-MM-DD")
	to := fs.String("to", "", "with --dispatch: last day, YYYY-MM-DD (default: --from)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *docFile == "" || (*sessions == "") == (*dispatch == "") || fs.NArg() != 0 {
		return usagef("want --config DOC and either --sessions RECORDS.jsonl or --dispatch URL --from DAY [--to DAY]")
	}
	payload, err := readDocument(*docFile)
	if err != nil {
		return err
	}
	cand, err := backtest.Load(payload)
	if err != nil {
		return fmt.Errorf("candidate refused: %w", err)
	}
	in := io.Reader(os.Stdin)
	switch {
	case *dispatch != "":
		if *to == "" {
			*to = *from
		}
		body, err := dispatchSessions(context.Background(), *dispatch, *user, *from, *to)
		if err != nil {
			return err
		}
		defer body.Close()
		in = body
	case *sessions != "-":
		f, err := os.Open(*sessions)
		if err != nil {
			return fmt.Errorf("open sessions: %w", err)
		}
		defer f.Close()
		in = f
	}
	rep, err := backtest.Run(in, cand)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", " ")
		return enc.Encode(rep)
	}
	return rep.WriteText(stdout)
}
