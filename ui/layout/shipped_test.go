package layout

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/terminal"
)

// The texts a customer actually reads come from configs/default.yaml, not
// from the samples: every shipped screen, in every shipped language, with
// the two longest rule advices a transfer warning can lead with, must fit
// every display without clipping or small print.
func TestShippedTextsFitEverywhere(t *testing.T) {
	p, err := config.Build(config.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range p.Languages {
		for _, name := range screen.Names {
			s := terminal.Preview(p, name, lang, time.Unix(0, 0))
			if name == screen.TransferWarning || name == screen.HighRisk {
				lines := append(longestAdvice(p, lang), s.Lines...)
				s.Lines = lines[:min(len(lines), terminal.MaxLines)]
			}
			for _, sz := range displays {
				for _, ph := range phases(s) {
					checkPlan(t, fmt.Sprintf("%s_%s/%dx%d/%ds", name, lang, sz[0], sz[1], ph.SecondsLeft), s,
						Compute(s, sz[0], sz[1], approx{}, ph))
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
