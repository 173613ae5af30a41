package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/ui/fonts"
	"github.com/transferguard/transferguard/ui/pipe"
	"github.com/transferguard/transferguard/ui/screens"
	"github.com/transferguard/transferguard/ui/voice"
)

// runWindow shows the agent's screens until stdin closes or, with
// --connect, until the window is closed; root is the logger the packages
// add their component to.
func runWindow(o options, root zerolog.Logger) error {
	log := root.With().Str("component", "tgscreen").Logger()
	font, err := fonts.Load(o.font)
	if err != nil {
		return err // before any window: a missing font is a start-up error
	}
	// Parsing the CJK font leaves ~30 MB of garbage on a heap whose live
	// part is ~16 MB; hand it back now rather than when the scavenger gets
	// to it (docs/benchmarks.md, "tgscreen memory").
	debug.FreeOSMemory()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := screens.Options{Font: font, Out: pipe.NewWriter(os.Stdout), Log: root, AlwaysDraw: o.alwaysDraw}
	link := &agentLink{log: log}
	if o.connect != "" {
		opts.Out = link
	}
	if !o.noVoice {
		opts.Voice = voice.Start(ctx, root)
	}
	g := screens.NewGame(opts)
	go g.RunTicker(ctx)
	if o.connect != "" {
		go runConnected(ctx, o, g, link, log)
	} else {
		go readStdin(g, log)
	}

	setupWindow(o)
	err = ebiten.RunGame(g)
	if err != nil && !errors.Is(err, ebiten.Termination) {
		return fmt.Errorf("tgscreen: run: %w", err)
	}
	return nil
}

// readStdin shows the agent's screens from stdin, and ends the game when
// the agent closes it (the agent started this process).
func readStdin(g *screens.Game, log zerolog.Logger) {
	if err := pipe.Read(os.Stdin, g.Show, log); err != nil {
		log.Error().Err(err).Msg("agent pipe")
	}
	log.Info().Msg("agent closed the pipe; exiting")
	g.Close()
}

// setupWindow applies the window flags and the draw-on-change loop.
func setupWindow(o options) {
	ebiten.SetWindowTitle("transferguard")
	ebiten.SetWindowSize(o.width, o.height)
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	ebiten.SetRunnableOnUnfocused(true)
	ebiten.SetFullscreen(o.fullscreen)
	if o.fullscreen {
		ebiten.SetCursorMode(ebiten.CursorModeHidden)
	}
	if !o.alwaysDraw {
		// Draw only on change: no frames without input or ScheduleFrame.
		//lint:ignore SA1019 draw-on-demand mode: measured 0 % of a core idle under Xvfb against 157 % for the default loop (docs/benchmarks.md); no replacement API offers it
		ebiten.SetFPSMode(ebiten.FPSModeVsyncOffMinimum)
		ebiten.SetScreenClearedEveryFrame(false)
		// One Update per frame: with the default 60 TPS a frame woken less
		// than a tick after the previous one runs Draw without Update, and
		// a screen that arrived then would wait for the next input.
		ebiten.SetTPS(ebiten.SyncWithFPS)
	}
}
