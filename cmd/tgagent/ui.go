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

// newDisplay returns the core's display, the inputs coming back from the
// screen, the seqs of screens tgscreen has drawn (for the audit), and the
// screen supervisor's run function (nil with --ui none). screenproc itself
// re-sends the current screen when tgscreen comes back.
func newDisplay(o *options, link *mqttlink.Link, log zerolog.Logger) (screenFanout, <-chan screen.FromDisplay, <-chan uint64, func(context.Context) error) {
	logged := logDisplay{log: log.With().Str("component", "display").Logger()}
	if o.ui == "none" {
		link.SetUI("off")
		return screenFanout{logged}, nil, nil, nil
	}
	bin := o.screenBin
	if bin == "" {
		bin = "tgscreen"
		if exe, err := os.Executable(); err == nil {
			bin = filepath.Join(filepath.Dir(exe), "tgscreen")
		}
	}
	var args []string
	if o.ui == "fullscreen" {
		args = append(args, "--fullscreen")
	}
	if o.font != "" {
		args = append(args, "--font", o.font)
	}
	link.SetUI(screenproc.StateDown)
	shown := make(chan uint64, 16)
	onShown := func(seq uint64) {
		select {
		case shown <- seq:
		default: // the audit loses a timestamp, never the screen
		}
	}
	proc := screenproc.New(screenproc.Config{Binary: bin, Args: args, OnState: link.SetUI, OnShown: onShown}, log)
	return screenFanout{logged, proc}, proc.Inputs(), shown, proc.Run
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
