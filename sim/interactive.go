package sim

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/scenario"
	"github.com/transferguard/transferguard/agent/wire"
)

// Test numbers used by the shortcuts: they look real (the agent masks
// them) and belong to no one.
const (
	TestCard   = "6222021234563445"
	TestRegion = "330381"
)

// Help lists the interactive commands.
const Help = `commands (anything else is a scenario line, e.g. START channel=ATM age=67):
  hello                 HELLO proto=1 (link start)
  card AGE [LANG]       START channel=ATM with the test card, age AGE
  counter AGE [LANG]    START channel=COUNTER with the test card, age AGE
  transfer [YUAN]       FUNC fn=TRANSFER, then AMOUNT in yuan if given
  withdraw [YUAN]       FUNC fn=WITHDRAW, then AMOUNT in yuan if given
  payee ACCT [new]      PAYEE acct=ACCT (new=1 with "new")
  amount YUAN           AMOUNT minor=YUAN*100 cur=CNY
  phone on|off          SENSOR kind=PHONE_CALL state=ON|OFF
  enter                 KEY key=ENTER (continue, after the countdown)
  stop                  KEY key=CANCEL (the customer chooses not to transfer)
  key NAME              KEY key=NAME: enter, cancel, help (= F8, the default help_key), f1…f8
  confirm | cancel      CONFIRM | CANCEL
  done [fail]           DONE result=OK (or FAIL)
  end | panic           END | PANIC
  answer Q A            ANSWER q=Q a=A: the teller's answer to an ASK (yes, no, digits, a choice id, none)
  again                 send the last frame again, same seq and bytes
  wait 5s | silence 16s let time pass, with or without heartbeats
  help | quit`

// TellerHelp introduces the counter mode (tgsim --counter): the person at
// the keyboard plays the teller system.
const TellerHelp = `counter mode: you are the teller. Start a customer with "counter AGE", then e.g.
"transfer 60000" and "payee 6217001234567890123 new". The agent's questions appear as
  ? ASK <q> (<kind>): <text>
put each to the customer and type the answer: answer <q> yes|no|<phone digits>|none.
ADVICE lines say what to do next.`

// ErrQuit is returned by Expand for "quit".
var ErrQuit = errors.New("quit")

// errHelp is returned by Expand for "help".
var errHelp = errors.New("help")

// errAgain is returned by Expand for "again".
var errAgain = errors.New("again")

// Expand turns one typed line into steps: a shortcut, or a scenario line.
func Expand(line string) ([]scenario.Step, error) {
	w := strings.Fields(line)
	if len(w) == 0 {
		return nil, nil
	}
	send := func(typ wire.FrameType, kv ...string) scenario.Step {
		return scenario.Step{Kind: scenario.Send, Frame: frame.New(typ, kv...)}
	}
	arg := func(i int) string {
		if i < len(w) {
			return w[i]
		}
		return ""
	}
	switch strings.ToLower(w[0]) {
	case "help", "?":
		return nil, errHelp
	case "quit", "exit":
		return nil, ErrQuit
	case "again":
		return nil, errAgain
	case "hello":
		return []scenario.Step{send("HELLO", "proto", "1", "model", "TGSIM", "fw", "1")}, nil
	case "card", "counter":
		return start(w)
	case "transfer", "withdraw":
		steps := []scenario.Step{send("FUNC", "fn", strings.ToUpper(w[0]))}
		if arg(1) == "" {
			return steps, nil
		}
		amt, err := amount(arg(1))
		return append(steps, amt), err
	case "amount":
		amt, err := amount(arg(1))
		return []scenario.Step{amt}, err
	case "payee":
		if arg(1) == "" {
			return nil, fmt.Errorf("payee needs an account number")
		}
		isNew := "0"
		if strings.EqualFold(arg(2), "new") {
			isNew = "1"
		}
		return []scenario.Step{send("PAYEE", "acct", arg(1), "name", "Test Payee", "bank", "TEST", "new", isNew)}, nil
	case "phone":
		state := strings.ToUpper(arg(1))
		if state != "ON" && state != "OFF" {
			return nil, fmt.Errorf("phone on|off")
		}
		return []scenario.Step{send("SENSOR", "kind", "PHONE_CALL", "state", state)}, nil
	case "enter":
		return []scenario.Step{send("KEY", "key", "ENTER")}, nil
	case "stop":
		return []scenario.Step{send("KEY", "key", string(wire.KeyCancel))}, nil
	case "key":
		k, err := keyName(arg(1))
		if err != nil {
			return nil, err
		}
		return []scenario.Step{send("KEY", "key", k)}, nil
	case "confirm", "cancel", "end", "panic":
		return []scenario.Step{send(wire.FrameType(strings.ToUpper(w[0])))}, nil
	case "answer":
		if len(w) != 3 {
			return nil, fmt.Errorf("answer Q A, e.g. answer guided_by_phone no")
		}
		return []scenario.Step{send(wire.Answer, "q", w[1], "a", w[2])}, nil
	case "done":
		result := "OK"
		if strings.EqualFold(arg(1), "fail") {
			result = "FAIL"
		}
		return []scenario.Step{send("DONE", "result", result)}, nil
	}
	st, err := scenario.ParseLine(line)
	if err != nil {
		return nil, err
	}
	return []scenario.Step{st}, nil
}

// DefaultHelpKey is the key "key help" sends: the shipped help_key. An
// agent configured with another help_key needs "key f3" and so on.
const DefaultHelpKey = "F8"

// keyName reads the NAME of "key NAME".
func keyName(name string) (string, error) {
	n := strings.ToUpper(name)
	switch {
	case n == string(wire.KeyEnter), n == string(wire.KeyCancel):
		return n, nil
	case n == "HELP":
		return DefaultHelpKey, nil
	case len(n) == 2 && n[0] == 'F' && n[1] >= '1' && n[1] <= '8':
		return n, nil
	}
	return "", fmt.Errorf("key %q: want enter, cancel, help or f1…f8", name)
}

// start expands "card AGE [LANG]" and "counter AGE [LANG]".
func start(w []string) ([]scenario.Step, error) {
	if len(w) < 2 {
		return nil, fmt.Errorf("%s needs an age, e.g. %s 67", w[0], w[0])
	}
	if _, err := strconv.Atoi(w[1]); err != nil {
		return nil, fmt.Errorf("age %q is not a number", w[1])
	}
	lang := "zh"
	if len(w) > 2 {
		lang = w[2]
	}
	channel := "ATM"
	if strings.EqualFold(w[0], "counter") {
		channel = "COUNTER"
	}
	f := frame.New("START", "channel", channel, "card", TestCard, "age", w[1], "region", TestRegion, "lang", lang)
	return []scenario.Step{{Kind: scenario.Send, Frame: f}}, nil
}

// amount turns yuan ("5000", "12.50") into an AMOUNT step in fen.
func amount(yuan string) (scenario.Step, error) {
	whole, frac, _ := strings.Cut(yuan, ".")
	if len(frac) > 2 {
		return scenario.Step{}, fmt.Errorf("amount %q has more than 2 decimals", yuan)
	}
	frac += strings.Repeat("0", 2-len(frac))
	minor, err := strconv.ParseUint(whole+frac, 10, 63)
	if err != nil || whole == "" {
		return scenario.Step{}, fmt.Errorf("amount %q is not a number of yuan", yuan)
	}
	f := frame.New("AMOUNT", "minor", strconv.FormatUint(minor, 10), "cur", "CNY")
	return scenario.Step{Kind: scenario.Send, Frame: f}, nil
}

// Interactive reads commands from in until "quit", end of input or ctx
// ends, runs them, and keeps the heartbeat going in between. Errors of a
// command are printed to msg and do not stop the session.
func (p *Player) Interactive(ctx context.Context, in io.Reader, msg io.Writer) error {
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	fmt.Fprintln(msg, Help)
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				return nil
			}
			if err := p.command(ctx, line, msg); errors.Is(err, ErrQuit) {
				return nil
			} else if err != nil {
				return err
			}
		case <-time.After(250 * time.Millisecond):
			if err := p.idle(ctx, 0, false); err != nil {
				return err
			}
		}
	}
}

// command runs one typed line, printing its problems to msg; it returns
// an error only to end the session: quit, or a line that cannot be read.
func (p *Player) command(ctx context.Context, line string, msg io.Writer) error {
	steps, err := Expand(line)
	switch {
	case errors.Is(err, ErrQuit):
		return err
	case errors.Is(err, errHelp):
		fmt.Fprintln(msg, Help)
		return nil
	case errors.Is(err, errAgain):
		if _, err := p.Again(ctx); err != nil {
			fmt.Fprintln(msg, "?", err)
		}
		return p.lineErr()
	case err != nil:
		fmt.Fprintln(msg, "?", err)
		return nil
	}
	for _, st := range steps {
		if err := p.Step(ctx, st); err != nil {
			break // Step printed it
		}
	}
	return p.lineErr()
}

// lineErr is the error that ended reading, if the line is gone.
func (p *Player) lineErr() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.readErr != nil {
		return fmt.Errorf("sim: read from the line: %w", p.readErr)
	}
	return nil
}
