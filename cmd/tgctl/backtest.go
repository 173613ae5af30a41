package main

import (
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
	if err := parse(fs, args); err != nil {
		return err
	}
	if *docFile == "" || *sessions == "" || fs.NArg() != 0 {
		return usagef("want --config DOC and --sessions RECORDS.jsonl")
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
	if *sessions != "-" {
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
