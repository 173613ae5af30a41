//go:build xvfb

package fonts

// Importing Ebiten's text package needs a display: run with
// scripts/test-ui.sh (xvfb-run).

import (
	"testing"

	"github.com/hajimehoshi/ebiten/v2/text/v2"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/ui/layout"
	"github.com/transferguard/transferguard/ui/samples"
)

func load(t *testing.T) *Font {
	t.Helper()
	f, err := Load(DefaultPath)
	if err != nil {
		t.Fatal(err)
	}
	if f.m == nil {
		t.Fatal("the default font is measured through text.Advance, not the measurer")
	}
	return f
}

// texts are every text of the sample and shipped screens.
func texts(t *testing.T) []string {
	shipped, err := samples.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range append(samples.All(), shipped...) {
		out = append(out, screenTexts(s)...)
	}
	return out
}

func screenTexts(s screen.Screen) []string {
	out := append([]string{s.Title, s.Footer, s.AckPrompt, s.CountdownLabel}, s.Lines...)
	for _, c := range s.Choices {
		out = append(out, c.Label)
	}
	return out
}

// A line is placed by its measured width: a width that differed from what
// Ebiten draws would move or wrap text differently from the goldens.
func TestWidthMatchesEbiten(t *testing.T) {
	f := load(t)
	// Prefixes at two sizes (Ebiten's side of the comparison is slow),
	// whole texts at sizes of every kind: whole, fractional, tiny, huge.
	sizes := []float64{36, 51.428571428571431, 13.5, 36.0 * 0.95, 72, 144}
	n := 0
	seen := map[string]bool{}
	for _, s := range texts(t) {
		if seen[s] {
			continue
		}
		seen[s] = true
		for k, size := range sizes {
			face := &text.GoTextFace{Source: f.src, Size: size}
			for i := range s { // every prefix a line break may try
				if i == 0 || k >= 2 {
					continue
				}
				n++
				if got, want := f.Width(s[:i], size), text.Advance(s[:i], face); got != want {
					t.Fatalf("Width(%q, %v) = %v, want %v (text.Advance)", s[:i], size, got, want)
				}
			}
			if got, want := f.Width(s, size), text.Advance(s, face); got != want {
				t.Fatalf("Width(%q, %v) = %v, want %v (text.Advance)", s, size, got, want)
			}
		}
	}
	if n < 1000 {
		t.Fatalf("compared %d prefixes: the samples did not load", n)
	}
}

// A countdown tick or a screen shown again measures the same lines: they
// must come from the cache, and a changed text must not.
func TestWidthCache(t *testing.T) {
	f := load(t)
	w1 := f.Width("请不要向陌生人转账", 40)
	shaped := f.m.shaped
	if w2 := f.Width("请不要向陌生人转账", 40); w2 != w1 || f.m.shaped != shaped {
		t.Errorf("same text again: width %v (was %v), shaped %d more", w2, w1, f.m.shaped-shaped)
	}
	if w := f.Width("请不要向陌生人汇款", 40); f.m.shaped != shaped+1 || w == 0 {
		t.Errorf("changed text: shaped %d more, width %v; want shaped once", f.m.shaped-shaped, w)
	}
	if w := f.Width("请不要向陌生人转账", 41); f.m.shaped != shaped+2 || w <= w1 {
		t.Errorf("same text at a larger size: shaped %d more, width %v (at 40: %v)", f.m.shaped-shaped, w, w1)
	}
}

// The cache is bounded: a stream of new texts never grows it past maxWidths.
func TestWidthCacheBounded(t *testing.T) {
	f := load(t)
	for i := 0; i < maxWidths+10; i++ {
		f.Width(string(rune('一'+i%20000)), float64(10+i/20000))
	}
	if n := len(f.m.widths); n > maxWidths || n == 0 {
		t.Errorf("%d cached widths, want 1..%d", n, maxWidths)
	}
}

// advanceMeasurer measures as tgscreen did before measure.go: through
// text.Advance, which also loads and caches every glyph outline.
type advanceMeasurer struct{ f *Font }

func (a advanceMeasurer) Width(s string, size float64) float64 {
	return text.Advance(s, a.f.Face(size))
}

func (a advanceMeasurer) Metrics(size float64) (float64, float64) { return a.f.Metrics(size) }

// BenchmarkFirstLayout lays out all 18 samples at 1280×720 with a freshly
// loaded font: the layout cost of a screen's first appearance, which set
// the tail of BenchmarkShowToDraw (docs/benchmarks.md).
func BenchmarkFirstLayout(b *testing.B) {
	all := samples.All()
	for _, bc := range []struct {
		name string
		m    func(*Font) layout.Measurer
	}{
		{"text.Advance", func(f *Font) layout.Measurer { return advanceMeasurer{f} }},
		{"measurer", func(f *Font) layout.Measurer { return f }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				f, err := Load(DefaultPath)
				if err != nil {
					b.Fatal(err)
				}
				m := bc.m(f)
				b.StartTimer()
				for _, s := range all {
					layout.Compute(s, 1280, 720, m, layout.PhaseAt(s.CountdownMS))
				}
			}
		})
	}
}
