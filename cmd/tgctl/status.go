package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

// terminalRow is what status learned about one terminal.
type terminalRow struct {
	site, terminal string
	status         *envelope.Status
	state          *envelope.ConfigState
}

// runStatus reads the retained status and config/state of every terminal
// (or of one site) for --wait and prints a table.
func runStatus(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("status", stderr)
	var bf brokerFlags
	bf.register(fs)
	site := fs.String("site", "", "only this site")
	wait := fs.Duration("wait", 2*time.Second, "how long to collect retained messages")
	asJSON := fs.Bool("json", false, "print a JSON array of {site, terminal, status, config_state} instead of the table")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("no arguments expected")
	}
	filter := "+"
	if *site != "" {
		filter = *site
	}
	c, err := bf.connect()
	if err != nil {
		return err
	}
	defer c.Disconnect(250)
	msgs := make(chan mqtt.Message, 1024)
	handler := func(_ mqtt.Client, m mqtt.Message) {
		select { // never block paho's goroutine
		case msgs <- m:
		default:
		}
	}
	subs := map[string]byte{
		wire.TerminalTopic(filter, wire.Any, wire.TopicStatus):      1,
		wire.TerminalTopic(filter, wire.Any, wire.TopicConfigState): 1,
	}
	tok := c.SubscribeMultiple(subs, handler)
	if !tok.WaitTimeout(bf.timeout) {
		return fmt.Errorf("subscribe: no answer within %s", bf.timeout)
	}
	if err := tok.Error(); err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	rows := map[string]*terminalRow{}
	deadline := time.After(*wait)
	for {
		select {
		case m := <-msgs:
			collect(rows, m.Topic(), m.Payload())
		case <-deadline:
			if *asJSON {
				return printJSON(stdout, rows)
			}
			printTable(stdout, rows)
			return nil
		}
	}
}

// collect files one retained message under its terminal.
func collect(rows map[string]*terminalRow, topic string, payload []byte) {
	p := strings.SplitN(topic, "/", 4)
	if len(p) != 4 || len(payload) == 0 {
		return
	}
	key := p[2] + "/" + p[3][:strings.IndexByte(p[3]+"/", '/')]
	row := rows[key]
	if row == nil {
		row = &terminalRow{site: p[2], terminal: strings.SplitN(p[3], "/", 2)[0]}
		rows[key] = row
	}
	switch {
	case strings.HasSuffix(topic, "/"+string(wire.TopicConfigState)):
		var s envelope.ConfigState
		if json.Unmarshal(payload, &s) == nil {
			row.state = &s
		}
	case strings.HasSuffix(topic, "/"+string(wire.TopicStatus)):
		var s envelope.Status
		if json.Unmarshal(payload, &s) == nil {
			row.status = &s
		}
	}
}

// sortedKeys returns the row keys in site/terminal order.
func sortedKeys(rows map[string]*terminalRow) []string {
	keys := make([]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// statusJSON is one terminal in status --json; null where not reported.
type statusJSON struct {
	Site        string                `json:"site"`
	Terminal    string                `json:"terminal"`
	Status      *envelope.Status      `json:"status"`
	ConfigState *envelope.ConfigState `json:"config_state"`
}

// printJSON prints the rows as one indented JSON array ([] when empty).
func printJSON(w io.Writer, rows map[string]*terminalRow) error {
	out := make([]statusJSON, 0, len(rows))
	for _, k := range sortedKeys(rows) {
		r := rows[k]
		out = append(out, statusJSON{Site: r.site, Terminal: r.terminal, Status: r.status, ConfigState: r.state})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return fmt.Errorf("encode status: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func printTable(w io.Writer, rows map[string]*terminalRow) {
	keys := sortedKeys(rows)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SITE\tTERMINAL\tSTATE\tLINK\tUI\tFLEET\tSITE-CFG\tTERMINAL-CFG\tWATCHLIST\tLAST REJECTION")
	for _, k := range keys {
		r := rows[k]
		state, link, ui := "-", "-", "-"
		if s := r.status; s != nil {
			state, link, ui = dash(s.State), dash(s.Link), dash(s.UI)
		}
		fleet, siteV, termV, wl, rej := "-", "-", "-", "-", "-"
		if s := r.state; s != nil {
			fleet, siteV, termV = ver(s.Config.Fleet), ver(s.Config.Site), ver(s.Config.Terminal)
			if s.Watchlist != nil {
				wl = fmt.Sprintf("v%d (%d)", s.Watchlist.Version, s.Watchlist.Entries)
			}
			if lr := s.LastRejection; lr != nil {
				rej = fmt.Sprintf("%s %s %s", lr.Reason, lr.Topic, lr.TS.Format(time.RFC3339))
				if lr.Version > 0 {
					rej = fmt.Sprintf("%s %s v%d %s", lr.Reason, lr.Topic, lr.Version, lr.TS.Format(time.RFC3339))
				}
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.site, r.terminal, state, link, ui, fleet, siteV, termV, wl, rej)
	}
	_ = tw.Flush()
	if len(rows) == 0 {
		fmt.Fprintln(w, "(no terminal has reported)")
	}
}

func ver(d *envelope.DocState) string {
	if d == nil {
		return "-"
	}
	return fmt.Sprintf("v%d", d.Version)
}

func dash[S ~string](s S) string {
	if s == "" {
		return "-"
	}
	return string(s)
}
