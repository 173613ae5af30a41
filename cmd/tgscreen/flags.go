package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/drivers/screenproc"
	"github.com/transferguard/transferguard/ui/fonts"
)

// options are tgscreen's flags.
type options struct {
	fullscreen    bool
	width, height int
	font          string
	lang          string
	noVoice       bool
	alwaysDraw    bool
	logLevel      zerolog.Level

	preview, config, screenFile, out string

	// connect is where tgagent --ui listen waits (empty: the agent started
	// this process and talks over stdin/stdout); tokenFile is read for a
	// TCP address.
	connect, tokenFile string
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("tgscreen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&o.fullscreen, "fullscreen", false, "fill the whole display (kiosk); the mouse cursor is hidden")
	fs.IntVar(&o.width, "width", 1280, "window width, and the width of a --preview image")
	fs.IntVar(&o.height, "height", 720, "window height, and the height of a --preview image")
	fs.StringVar(&o.font, "font", fonts.DefaultPath, "TrueType/OpenType font (or .ttc collection) with Chinese and Latin glyphs")
	fs.StringVar(&o.lang, "lang", "zh", "language of a --preview (zh, en)")
	fs.BoolVar(&o.noVoice, "no-voice", false, "never open the sound device")
	fs.BoolVar(&o.alwaysDraw, "always-draw", false, "benchmark only: Ebiten's default loop (clear and redraw every frame at vsync)")
	fs.StringVar(&o.connect, "connect", "", "connect to tgagent --ui listen at unix:/path/screen.sock or tcp:127.0.0.1:PORT, instead of talking over stdin/stdout (docs/screen-protocol.md)")
	fs.StringVar(&o.tokenFile, "token-file", "", `with --connect tcp:…: the token file tgagent writes (Windows default: %ProgramData%\transferguard\screen\token)`)
	level := fs.String("log-level", "info", "zerolog level")
	fs.StringVar(&o.preview, "preview", "", "render screen NAME (standby, reminder, transfer_warning, high_risk, staff_coming) to --out and exit")
	fs.StringVar(&o.config, "config", "", "with --preview: the agent configuration whose texts to render")
	fs.StringVar(&o.screenFile, "screen", "", "with --preview: a resolved screen as JSON (agent/screen.Screen) instead of a configuration")
	fs.StringVar(&o.out, "out", "", "with --preview: PNG file to write")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(os.Stderr)
			fs.PrintDefaults()
		}
		return o, fmt.Errorf("%w (see docs/screens.md)", err)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	lv, err := zerolog.ParseLevel(*level)
	if err != nil {
		return o, fmt.Errorf("--log-level: %w", err)
	}
	o.logLevel = lv
	if o.width < 64 || o.height < 64 || o.width > 8192 || o.height > 8192 {
		return o, fmt.Errorf("--width/--height %dx%d: want 64..8192 each", o.width, o.height)
	}
	if o.preview != "" && o.out == "" {
		return o, fmt.Errorf("--preview needs --out FILE.png")
	}
	if o.preview == "" && (o.out != "" || o.config != "" || o.screenFile != "") {
		return o, fmt.Errorf("--out, --config and --screen only go with --preview")
	}
	if o.config != "" && o.screenFile != "" {
		return o, fmt.Errorf("--config and --screen: give one")
	}
	return o, o.checkConnect()
}

// checkConnect validates --connect and --token-file, filling the default
// token file for a TCP address.
func (o *options) checkConnect() error {
	if o.connect == "" {
		if o.tokenFile != "" {
			return fmt.Errorf("--token-file only goes with --connect")
		}
		return nil
	}
	if o.preview != "" {
		return fmt.Errorf("--connect and --preview: give one")
	}
	a, err := screenproc.ParseAddr(o.connect)
	if err != nil {
		return fmt.Errorf("--connect: %w", err)
	}
	if a.Network == "tcp" && o.tokenFile == "" {
		o.tokenFile = defaultTokenFile()
	}
	if a.Network == "tcp" && o.tokenFile == "" {
		return fmt.Errorf("--connect %s needs --token-file (the file tgagent --ui-token-file names)", o.connect)
	}
	return nil
}
