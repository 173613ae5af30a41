//go:build xvfb

package screens

// Tests that draw need a display and one Ebiten loop per process: this
// TestMain owns it and the tests hand it work through onLoop. Run them
// with scripts/test-ui.sh (xvfb-run, null ALSA device).

import (
	"flag"
	"os"
	"testing"

	"github.com/transferguard/transferguard/ui/fonts"
)

var (
	update = flag.Bool("update", false, "rewrite the golden PNGs in testdata/")
	tasks  = make(chan func())
	font   *fonts.Font
)

func TestMain(m *testing.M) {
	flag.Parse()
	var err error
	if font, err = fonts.Load(fonts.DefaultPath); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	code := 1
	go func() {
		defer close(tasks)
		code = m.Run()
	}()
	if err := RunTasks(tasks); err != nil {
		os.Stderr.WriteString("ebiten loop: " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Exit(code)
}

// onLoop runs fn on the Ebiten loop and waits for it.
func onLoop(fn func()) {
	done := make(chan struct{})
	tasks <- func() { defer close(done); fn() }
	<-done
}

func TestMissingFontFailsClearly(t *testing.T) {
	_, err := fonts.Load("/nonexistent/font.ttc")
	if err == nil {
		t.Fatal("no error for a missing font")
	}
	_, err = fonts.Load("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
	if err == nil {
		t.Error("a font without Chinese glyphs was accepted")
	}
}
