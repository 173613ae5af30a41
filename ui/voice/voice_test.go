//go:build xvfb

package voice

// This package imports Ebiten (for its Vorbis decoder), which panics at
// start-up without a display, so its tests run under Xvfb: scripts/test-ui.sh.

import (
	"testing"

	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/ui/samples"
)

// Every screen that speaks (all but standby) has a clip in both languages,
// short enough to finish before the customer has read the screen.
func TestEveryVoicedScreenHasClipsInBothLanguages(t *testing.T) {
	for _, name := range samples.Names {
		if name == wire.ScreenStandby {
			continue
		}
		for _, lang := range samples.Langs {
			pcm, err := Decode(string(name) + "_" + lang)
			if err != nil {
				t.Errorf("%s_%s: %v", name, lang, err)
				continue
			}
			secs := float64(len(pcm)) / (sampleRate * 4)
			if secs < 1 || secs > 10 {
				t.Errorf("%s_%s lasts %.1f s, want a short reminder (1-10 s)", name, lang, secs)
			}
		}
	}
	if Has("nope_zh") {
		t.Error("Has reports a clip that does not exist")
	}
}
