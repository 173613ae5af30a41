//go:build xvfb

package screens

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/terminal"
	"github.com/transferguard/transferguard/ui/layout"
)

// TestShippedTextsFitWithRealFont lays out every screen of the shipped
// configuration, with the longest advice a warning can carry, using the
// real font on every display size: the texts a customer reads, not the
// samples, must never be clipped or drawn small.
func TestShippedTextsFitWithRealFont(t *testing.T) {
	p, err := config.Build(config.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	sizes := [][2]int{{800, 600}, {1024, 768}, {1280, 720}, {1920, 1080}, {1080, 1920}, {600, 800}}
	for _, lang := range p.Languages {
		for _, name := range screen.Names {
			s := terminal.Preview(p, name, lang, time.Unix(0, 0))
			if name == screen.TransferWarning || name == screen.HighRisk {
				lines := append(longestAdvice(p, lang), s.Lines...)
				s.Lines = lines[:min(len(lines), terminal.MaxLines)]
			}
			for _, sz := range sizes {
				var plan layout.Plan
				onLoop(func() { plan = layout.Compute(s, sz[0], sz[1], font, layout.PhaseAt(s.CountdownMS)) })
				label := fmt.Sprintf("%s_%s_%dx%d", name, lang, sz[0], sz[1])
				for _, problem := range layout.Check(s, plan) {
					t.Errorf("%s: %s", label, problem)
				}
			}
		}
	}
}

func longestAdvice(p *config.Policy, lang string) []string {
	var all []string
	for _, r := range p.Rules {
		if a := r.Advice[lang]; a != "" {
			all = append(all, a)
		}
	}
	slices.SortFunc(all, func(a, b string) int { return len([]rune(b)) - len([]rune(a)) })
	return all[:min(2, len(all))]
}
