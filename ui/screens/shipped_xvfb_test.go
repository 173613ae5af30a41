//go:build xvfb

package screens

import (
	"testing"

	"github.com/transferguard/transferguard/ui/layout"
	"github.com/transferguard/transferguard/ui/samples"
)

// TestShippedTextsFitWithRealFont lays out every screen of the shipped
// configuration with the real font on every display size, during and after
// the countdown: the texts a customer reads, not the samples, must never be
// clipped, drawn small, or broken inside a protected word (layout.Check
// runs layout.BrokenWords).
// TestSamplesFitWithRealFont: the same for the samples, which
// carry the choice buttons and pictograms the shipped texts may not yet.
func TestSamplesFitWithRealFont(t *testing.T) {
	sizes := [][2]int{{800, 600}, {1024, 768}, {1280, 720}, {1920, 1080}, {1080, 1920}, {600, 800}}
	for _, s := range samples.All() {
		for _, sz := range sizes {
			var plan layout.Plan
			onLoop(func() { plan = layout.Compute(s, sz[0], sz[1], font, layout.Phase{}) })
			for _, problem := range layout.Check(s, plan) {
				t.Errorf("%s_%s_%dx%d: %s", s.Name, s.Lang, sz[0], sz[1], problem)
			}
		}
	}
}

func TestShippedTextsFitWithRealFont(t *testing.T) {
	shipped, err := samples.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	sizes := [][2]int{{800, 600}, {1024, 768}, {1280, 720}, {1920, 1080}, {1080, 1920}, {600, 800}}
	for _, s := range shipped {
		for _, sz := range sizes {
			for _, ph := range []layout.Phase{layout.PhaseAt(s.CountdownMS), {}} {
				var plan layout.Plan
				onLoop(func() { plan = layout.Compute(s, sz[0], sz[1], font, ph) })
				for _, problem := range layout.Check(s, plan) {
					t.Errorf("%s_%s_%dx%d_%ds: %s", s.Name, s.Lang, sz[0], sz[1], ph.SecondsLeft, problem)
				}
			}
		}
	}
}
