// Command tgcorpus makes and measures the efficacy corpus (docs/efficacy.md):
//
//	tgcorpus gen [-dir testdata/corpus] [-lie 0.3] [-heard 0.7] [-seed N]   write the corpus (deterministic)
//	tgcorpus efficacy [-dir …] [-config DOC.yaml] [-rules]   play it through the core and print the table
//
// It plays sessions through agent/terminal on a fake clock: no serial
// line, no broker, no wall clock.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/sim/corpus"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tgcorpus:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: tgcorpus gen|efficacy [flags]")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	dir := fs.String("dir", "testdata/corpus", "corpus directory")
	doc := fs.String("config", "", "a policy layer (YAML) applied over the shipped defaults")
	rules := fs.Bool("rules", false, "also print what each rule contributes (one run per rule switched off)")
	o := corpus.DefaultOptions()
	fs.Float64Var(&o.LieShare, "lie", o.LieShare, "gen: share of victims coached to lie")
	fs.Float64Var(&o.PhoneHeard, "heard", o.PhoneHeard, "gen: share of calls the phone detector hears")
	fs.Uint64Var(&o.Seed, "seed", o.Seed, "gen: RNG seed")
	fs.IntVar(&o.PerScam, "per-scam", o.PerScam, "gen: sessions per scam type")
	fs.IntVar(&o.Ordinary, "ordinary", o.Ordinary, "gen: ordinary sessions")
	list := fs.Bool("list", false, "also list every ordinary session that alerted and every scam session that did not")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	switch args[0] {
	case "gen":
		return gen(*dir, o)
	case "efficacy":
		return efficacy(*dir, *doc, *rules, *list)
	}
	return fmt.Errorf("unknown command %q: want gen or efficacy", args[0])
}

func gen(dir string, o corpus.Options) error {
	c := corpus.Generate(o)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, b := range c.Files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "policy.yaml"), c.Watchlist, 0o644)
}

func efficacy(dir, doc string, rules, list bool) error {
	sessions, world, err := corpus.Load(dir)
	if err != nil {
		return err
	}
	layers := []map[string]any{config.Defaults(), world}
	if doc != "" {
		b, err := os.ReadFile(doc)
		if err != nil {
			return err
		}
		l, err := config.ParseYAML(b)
		if err != nil {
			return err
		}
		layers = append(layers, l)
	}
	p, err := config.Build(layers...)
	if err != nil {
		return err
	}
	results := corpus.Play(p, sessions)
	t := corpus.Tabulate(results)
	fmt.Print(t.Markdown())
	if list {
		fmt.Println()
		for _, r := range results {
			if r.Session.Scam() == (r.Level == "") {
				fmt.Printf("%s\t%s\t%v\n", r.Session.ID, r.Level, r.Rules)
			}
		}
	}
	if !t.Meets() {
		fmt.Printf("\ngoals NOT met (scams any ≥ %.0f %%, high ≥ %.0f %%; ordinary any ≤ %.0f %%, high ≤ %.0f %%)\n",
			corpus.GoalScamAny, corpus.GoalScamHigh, corpus.GoalOrdinaryAny, corpus.GoalOrdinaryHigh)
	}
	if rules {
		c, err := corpus.Contributions(layers, sessions)
		if err != nil {
			return err
		}
		fmt.Print("\n" + c)
	}
	return nil
}
