package layout

import (
	"fmt"
	"testing"

	"github.com/transferguard/transferguard/ui/samples"
)

// The texts a customer actually reads come from configs/default.yaml, not
// from the samples: every shipped screen must fit every display without
// clipping or small print (ui/screens checks the same with the real font).
func TestShippedTextsFitEverywhere(t *testing.T) {
	shipped, err := samples.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range shipped {
		for _, sz := range displays {
			for _, ph := range phases(s) {
				checkPlan(t, fmt.Sprintf("%s_%s/%dx%d/%ds", s.Name, s.Lang, sz[0], sz[1], ph.SecondsLeft), s,
					Compute(s, sz[0], sz[1], approx{}, ph))
			}
		}
	}
}
