// Command tgdispatch is the guard dispatch service and web console: it
// reads alerts, status and session records from the broker through a shared
// subscription, keeps incidents in SQLite or PostgreSQL, serves the console
// and sends each guard step back to the terminal.
//
//	tgdispatch --broker tcp://127.0.0.1:1883 --db sqlite:tgdispatch.db --listen 127.0.0.1:8080 --group desk --config dispatch.yaml
//	tgdispatch useradd --db sqlite:tgdispatch.db --name alice --role guard --sites S1,S2 < password.txt
//	tgdispatch hash < password.txt
//	tgdispatch report --db sqlite:tgdispatch.db --site S1 --day 2026-12-01 --out r.html
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
)

// usageError is a bad flag or configuration: exit code 2.
type usageError struct{ error }

func main() {
	var err error
	switch {
	case len(os.Args) > 1 && os.Args[1] == "useradd":
		err = useradd(os.Args[2:], os.Stdin, os.Stdout)
	case len(os.Args) > 1 && os.Args[1] == "report":
		err = reportCmd(os.Args[2:], os.Stdout)
	case len(os.Args) > 1 && os.Args[1] == "hash":
		err = hashCmd(os.Stdin, os.Stdout)
	default:
		err = serve(os.Args[1:])
	}
	var u usageError
	if err == nil || errors.As(err, &u) && errors.Is(u.error, flag.ErrHelp) { // --help: usage printed, exit 0
		return
	}
	fmt.Fprintln(os.Stderr, "tgdispatch:", err)
	if errors.As(err, &u) {
		os.Exit(2)
	}
	os.Exit(1)
}
