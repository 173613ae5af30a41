package samples

import (
	"fmt"
	"time"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/terminal"
	"github.com/transferguard/transferguard/agent/wire"
)

// Shipped returns every screen of the shipped configuration
// (configs/default.yaml) in every language it has, as the agent decides
// it, and every configured question; the transfer warning and the
// high-risk screen come once for each rule's advice, through the agent's own
// text path (the advice of the rule that fired, the configured lines, the
// note last). Layout tests run these, so the texts a customer actually
// reads are proven to fit, not only the samples.
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
			if name != wire.ScreenTransferWarning && name != wire.ScreenHighRisk {
				out = append(out, terminal.Preview(p, name, lang, time.Unix(0, 0)))
				continue
			}
			for _, r := range p.OrderedRules() {
				if r.Advice[lang] != "" {
					out = append(out, terminal.PreviewFired(p, name, lang, r.ID, time.Unix(0, 0)))
				}
			}
		}
	}
	return out, nil
}
