package corpus

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/transferguard/transferguard/agent/config"
)

var update = flag.Bool("update", false, "rewrite testdata/corpus/efficacy.golden")

const dir = "../../testdata/corpus"

// The committed corpus is exactly what the generator makes: nobody edits
// it by hand, and the generator is deterministic.
func TestCommittedCorpusIsGenerated(t *testing.T) {
	c := Generate(DefaultOptions())
	for name, want := range c.Files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from the generator's output (run go run ./cmd/tgcorpus gen): %v", name, err)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "policy.yaml")); !bytes.Equal(got, c.Watchlist) {
		t.Error("policy.yaml differs from the generator's output (run go run ./cmd/tgcorpus gen)")
	}
}

var shipped struct {
	once     sync.Once
	sessions []Session
	world    map[string]any
	table    Table
	err      error
}

// shippedTable plays the corpus with the shipped defaults once per test
// binary.
func shippedTable(t *testing.T) Table {
	t.Helper()
	shipped.once.Do(func() {
		shipped.sessions, shipped.world, shipped.err = Load(dir)
		if shipped.err != nil {
			return
		}
		var p *config.Policy
		if p, shipped.err = config.Build(config.Defaults(), shipped.world); shipped.err == nil {
			shipped.table = Tabulate(Play(p, shipped.sessions))
		}
	})
	if shipped.err != nil {
		t.Fatal(shipped.err)
	}
	return shipped.table
}

// The efficacy of the shipped defaults over the corpus is committed: a
// rule or threshold change that moves a rate shows in review as a diff of
// testdata/corpus/efficacy.golden (go test ./sim/corpus -update).
func TestEfficacyGolden(t *testing.T) {
	got := []byte(shippedTable(t).Markdown())
	path := filepath.Join(dir, "efficacy.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./sim/corpus -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("efficacy moved; if meant, rerun with -update and update docs/efficacy.md\n got:\n%s\nwant:\n%s", got, want)
	}
}

// Switching off the purpose rules must lower the scam rates: the corpus
// is sensitive to what the question adds, or it measures nothing.
func TestPurposeAnswersMatter(t *testing.T) {
	with := shippedTable(t)
	var scams []Session
	for _, s := range shipped.sessions {
		if s.Scam() {
			scams = append(scams, s)
		}
	}
	off := map[string]any{"questions": map[string]any{"purpose": map[string]any{"enabled": false}}}
	p, err := config.Build(config.Defaults(), shipped.world, off)
	if err != nil {
		t.Fatal(err)
	}
	without := Tabulate(Play(p, scams))
	if without.Scams.High >= with.Scams.High {
		t.Errorf("scam high alerts without the purpose question %d, with %d: want fewer without", without.Scams.High, with.Scams.High)
	}
}

func TestSplitNamesSessions(t *testing.T) {
	ss, err := Split("scam-x", []byte("# header\n\n# session scam-x-001\nSTART age=1\nEND\n\n# session scam-x-002\nSTART age=2\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 2 || ss[1].ID != "scam-x-002" || len(ss[0].Steps) != 2 || !ss[0].Scam() {
		t.Errorf("got %+v", ss)
	}
}
