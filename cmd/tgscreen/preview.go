package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"slices"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/terminal"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/ui/fonts"
	"github.com/transferguard/transferguard/ui/layout"
	"github.com/transferguard/transferguard/ui/samples"
	"github.com/transferguard/transferguard/ui/screens"
)

// runPreview renders one screen to a PNG and returns the exit code: 0 when
// the screen is fine, 1 when it could not be rendered or the texts break
// a legibility rule (printed on stderr), 2 for bad input.
func runPreview(o options, log zerolog.Logger) int {
	s, err := previewScreen(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tgscreen:", err)
		return 2
	}
	font, err := fonts.Load(o.font)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tgscreen:", err)
		return 1
	}
	var problems []string
	tasks := make(chan func(), 1)
	tasks <- func() {
		img, plan := screens.Render(s, o.width, o.height, layout.PhaseAt(s.CountdownMS), font)
		problems = layout.Check(s, plan)
		err = writePNG(o.out, img)
	}
	close(tasks)
	if rerr := screens.RunTasks(tasks); rerr != nil {
		err = errors.Join(err, rerr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tgscreen:", err)
		return 1
	}
	for _, p := range problems {
		fmt.Fprintf(os.Stderr, "tgscreen: %s %s %dx%d: %s\n", s.Name, s.Lang, o.width, o.height, p)
	}
	log.Info().Str("screen", string(s.Name)).Str("lang", s.Lang).Str("out", o.out).Int("problems", len(problems)).Msg("preview written")
	if len(problems) > 0 {
		return 1
	}
	return 0
}

// previewScreen resolves the screen to draw: from --screen, from the
// agent's configuration (--config), or a built-in sample.
func previewScreen(o options) (screen.Screen, error) {
	switch {
	case o.screenFile != "":
		b, err := os.ReadFile(o.screenFile)
		if err != nil {
			return screen.Screen{}, fmt.Errorf("read --screen: %w", err)
		}
		var s screen.Screen
		if err := json.Unmarshal(b, &s); err != nil {
			return screen.Screen{}, fmt.Errorf("--screen %s: %w", o.screenFile, err)
		}
		return s, nil
	case o.config != "":
		return configScreen(o.config, wire.ScreenName(o.preview), o.lang)
	default:
		return samples.Get(wire.ScreenName(o.preview), o.lang)
	}
}

// configScreen resolves screen name in lang with the texts of a tgagent
// --config file: its policy layer over the shipped defaults, built and
// validated exactly as tgagent does, then decided as the agent would.
func configScreen(file string, name wire.ScreenName, lang string) (screen.Screen, error) {
	f, err := config.LoadFile(file)
	if err != nil {
		return screen.Screen{}, fmt.Errorf("--config: %w", err)
	}
	pol, err := config.Build(config.Defaults(), f.Policy)
	if err != nil {
		return screen.Screen{}, fmt.Errorf("--config %s: %w", file, err)
	}
	if !slices.Contains(screen.Names, name) {
		return screen.Screen{}, fmt.Errorf("--preview %q: want one of %v", name, screen.Names)
	}
	return terminal.Preview(pol, name, lang, time.Now()), nil
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write preview: %w", err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("write preview %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write preview %s: %w", path, err)
	}
	return nil
}
