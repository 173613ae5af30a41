package main

import (
	"context"
	"os"
	"path/filepath"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/drivers/mqttlink"
	"github.com/transferguard/transferguard/drivers/screenproc"
)

// display is what the core shows on and hears from: the log and, with a
// window, the supervised tgscreen process or (--ui listen) the tgscreen
// that connected.
type display struct {
	show   screenFanout              // the core's display
	inputs <-chan screen.FromDisplay // touches and keys (nil with --ui none)
	shown  <-chan uint64             // seqs of screens drawn, for the audit
	run    func(context.Context) error
}

// newDisplay builds the display for --ui; run is nil with --ui none.
// screenproc itself re-sends the current screen when tgscreen comes back.
// With --ui listen the endpoint is opened now, so a bad address or a
// permission problem stops the agent at start-up.
func newDisplay(o *options, link *mqttlink.Link, log zerolog.Logger) (display, error) {
	logged := logDisplay{log: log.With().Str("component", "display").Logger()}
	if o.UI == "none" {
		link.SetUI("off")
		return display{show: screenFanout{logged}}, nil
	}
	link.SetUI(screenproc.StateDown)
	shown := make(chan uint64, 16)
	onShown := func(seq uint64) {
		select {
		case shown <- seq:
		default: // the audit loses a timestamp, never the screen
		}
	}
	if o.UI == "listen" {
		a, err := screenproc.ParseAddr(o.listen.addr) // validated with the flags
		if err != nil {
			return display{}, usagef("--ui-addr: %w", err)
		}
		l, err := screenproc.Listen(screenproc.ListenConfig{Addr: a, Group: o.listen.group,
			TokenFile: o.listen.tokenFile, OnState: link.SetUI, OnShown: onShown}, log)
		if err != nil {
			return display{}, err
		}
		return display{show: screenFanout{logged, l}, inputs: l.Inputs(), shown: shown, run: l.Run}, nil
	}
	proc := childScreen(o, link, onShown, log)
	return display{show: screenFanout{logged, proc}, inputs: proc.Inputs(), shown: shown, run: proc.Run}, nil
}

// childScreen is tgscreen started and supervised by the agent
// (--ui window|fullscreen).
func childScreen(o *options, link *mqttlink.Link, onShown func(uint64), log zerolog.Logger) *screenproc.Proc {
	bin := o.Screen.Binary
	if bin == "" {
		bin = "tgscreen"
		if exe, err := os.Executable(); err == nil {
			bin = filepath.Join(filepath.Dir(exe), "tgscreen")
		}
	}
	var args []string
	if o.UI == "fullscreen" {
		args = append(args, "--fullscreen")
	}
	if o.Screen.Font != "" {
		args = append(args, "--font", o.Screen.Font)
	}
	return screenproc.New(screenproc.Config{Binary: bin, Args: args, OnState: link.SetUI, OnShown: onShown}, log)
}

// screenFanout shows every decision on each display: the log and, with a
// window, tgscreen.
type screenFanout []interface{ Show(screen.Screen) }

// Show hands s to every display; none of them blocks.
func (f screenFanout) Show(s screen.Screen) {
	for _, d := range f {
		d.Show(s)
	}
}
