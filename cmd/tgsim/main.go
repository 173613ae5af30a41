// Command tgsim is a terminal-controller simulator: it plays scenario files
// (docs/scenarios.md) onto a serial port or a pty it creates, with real
// timing, heartbeats and retransmissions, and prints every frame the agent
// answers. With --interactive a person types the steps. docs/tgsim.md is
// the manual.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/transferguard/transferguard/sim"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "fleet" { // MQTT-side fleet simulation (fleet.go)
		os.Exit(fleetMain(os.Args[2:]))
	}
	os.Exit(run(os.Args[1:]))
}

// run returns the exit code: 0 done, 1 a scenario failed, 2 bad usage.
func run(args []string) int {
	fs := flag.NewFlagSet("tgsim", flag.ContinueOnError)
	serialPath := fs.String("serial", "", "serial device to play onto (e.g. /dev/ttyUSB0, a pty slave)")
	ptyLink := fs.String("pty", "", "create a pty pair and symlink its slave here, for tgagent --serial")
	baud := fs.Int("baud", 115200, "baud rate (8N1)")
	hb := fs.Duration("hb", sim.DefaultHeartbeat, "heartbeat period; 0 sends none")
	speed := fs.Float64("speed", 1, "divide scenario delays by this (the agent's own timers do not change)")
	jsonOut := fs.Bool("json", false, "print JSON lines instead of text")
	quiet := fs.Bool("quiet", false, "do not print heartbeats and their ACKs")
	loop := fs.Bool("loop", false, "play the scenarios again and again until interrupted")
	interactive := fs.Bool("interactive", false, "read steps from the keyboard (type help)")
	counter := fs.Bool("counter", false, "interactive, as the teller of a bank counter: the agent's ASK frames appear, type answer Q A")
	wait := fs.Duration("wait", 10*time.Second, "wait this long for the agent to answer a heartbeat before playing; 0 does not wait")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: tgsim (--serial PATH | --pty LINK) [flags] SCENARIO...\n       tgsim (--serial PATH | --pty LINK) --interactive")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *counter {
		*interactive = true
		fmt.Fprintln(os.Stderr, sim.TellerHelp)
	}
	if (*serialPath == "") == (*ptyLink == "") || (fs.NArg() == 0) == !*interactive {
		fs.Usage()
		return 2
	}
	scripts, err := sim.Load(fs.Args()...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tgsim:", err)
		return 2
	}
	port, err := open(*serialPath, *ptyLink, *baud)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tgsim:", err)
		return 2
	}
	if *hb == 0 {
		*hb = -1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p := sim.New(ctx, port, sim.Options{Heartbeat: *hb, Speed: *speed, Out: os.Stdout, JSON: *jsonOut, Quiet: *quiet})
	defer p.Close()
	err = play(ctx, p, scripts, *interactive, *loop, *wait)
	fmt.Fprintln(os.Stderr, "tgsim:", p.Stats().Summary())
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "tgsim: FAIL:", err)
		return 1
	}
	return 0
}

// open opens the serial device, or creates the pty.
func open(serialPath, ptyLink string, baud int) (io.ReadWriteCloser, error) {
	if ptyLink != "" {
		pt, err := sim.OpenPTY(ptyLink)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(os.Stderr, "tgsim: pty %s -> %s; start tgagent --serial %s\n", ptyLink, pt.Slave, ptyLink)
		return pt, nil
	}
	return sim.OpenSerial(serialPath, baud)
}

// play waits for the agent, then runs the scripts or the keyboard.
func play(ctx context.Context, p *sim.Player, scripts []sim.Script, interactive, loop bool, wait time.Duration) error {
	if wait > 0 {
		if err := p.WaitAgent(ctx, wait); err != nil {
			return err
		}
	}
	if interactive {
		return p.Interactive(ctx, os.Stdin, os.Stderr)
	}
	return p.PlayScripts(ctx, scripts, loop)
}
