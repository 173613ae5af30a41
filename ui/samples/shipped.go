package samples

import (
	"fmt"
	"slices"
	"time"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/terminal"
	"github.com/transferguard/transferguard/agent/wire"
)

// Shipped returns every screen of the shipped configuration
// (configs/default.yaml) in every language it has, as the agent decides
// it, and every configured question; the transfer warning and the high-risk screen carry the two longest
// rule advices, the most text they can get. Layout tests run these, so the
// texts a customer actually reads are proven to fit, not only the samples.
func Shipped() ([]screen.Screen, error) {
	p, err := config.Build(config.Defaults())
	if err != nil {
		return nil, fmt.Errorf("samples: shipped configuration: %w", err)
	}
	var out []screen.Screen
	for _, lang := range p.Languages {
		for _, q := range p.OrderedQuestions() {
			out = append(out, terminal.PreviewQuestion(p, q.ID, lang, time.Unix(0, 0)))
		}
		for _, name := range screen.Names {
			s := terminal.Preview(p, name, lang, time.Unix(0, 0))
			if name == wire.ScreenTransferWarning || name == wire.ScreenHighRisk {
				lines := append(longestAdvice(p, lang), s.Lines...)
				s.Lines = lines[:min(len(lines), terminal.MaxLines)]
			}
			out = append(out, s)
		}
	}
	return out, nil
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
