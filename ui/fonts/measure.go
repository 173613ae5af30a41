package fonts

import (
	"github.com/go-text/typesetting/di"
	gofont "github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
)

// measurer gives the advance of a text exactly as Ebiten's text.Advance
// does — the same HarfBuzz shaper over the same font with the same input —
// without what Ebiten's shaping also does for drawing: loading and scaling
// the outline of every glyph and keeping it in a cache. Layout measures
// every prefix of every line at several sizes; through text.Advance that
// was 3/4 of the time of a screen's first layout (docs/benchmarks.md,
// "tgscreen show → drawn"), and the outlines of prefixes nobody draws
// filled the heap.
//
// Widths are cached by text and size: a countdown tick or a screen shown
// again lays out the same lines and measures nothing new. The cache is
// bounded (maxWidths entries, then emptied) and costs a few hundred KB.
type measurer struct {
	face   *gofont.Face
	shaper shaping.HarfbuzzShaper
	widths map[widthKey]float64
	seg    shaping.Segmenter // buffers reused from one text to the next
	runes  []rune
	// shaped counts texts actually shaped, for tests of the cache.
	shaped int
}

type widthKey struct {
	text string
	size float64
}

// maxWidths bounds the width cache: a screen measures a few hundred
// distinct texts per display size.
const maxWidths = 16384

// Ebiten's GoTextFace without a Language or Script set (as fonts makes
// them) shapes as language "und", script Latin: the same input here keeps
// the widths identical, which TestWidthMatchesEbiten checks.
const shapeLanguage = language.Language("und")

func newMeasurer(face *gofont.Face) *measurer {
	m := &measurer{face: face, widths: map[widthKey]float64{}}
	m.shaper.SetFontCacheSize(4)
	return m
}

// width returns the advance of s at size pixels.
func (m *measurer) width(s string, size float64) float64 {
	k := widthKey{s, size}
	if w, ok := m.widths[k]; ok {
		return w
	}
	w := m.shape(s, size)
	if len(m.widths) >= maxWidths {
		clear(m.widths)
	}
	m.widths[k] = w
	return w
}

// shape mirrors text/v2's GoTextFaceSource.shape up to the advances.
func (m *measurer) shape(s string, size float64) float64 {
	m.shaped++
	if len(m.face.Coords()) > 0 {
		// Ebiten shapes with no variations, as here. Setting them again
		// when there are none would empty the face's glyph extents cache,
		// which was a third of the time measuring took.
		m.face.SetVariations(nil)
	}
	m.runes = append(m.runes[:0], []rune(s)...)
	in := shaping.Input{
		Text: m.runes, RunStart: 0, RunEnd: len(m.runes),
		Direction: di.DirectionLTR,
		Face:      m.face,
		Size:      fixed.Int26_6(size * (1 << 6)),
		Script:    language.Latin,
		Language:  shapeLanguage,
	}
	var adv fixed.Int26_6
	for _, run := range m.seg.Split(in, oneFace{m.face}) {
		adv += m.shaper.Shape(run).Advance
	}
	return float64(adv) / (1 << 6)
}

// oneFace resolves every rune to the one font, as text/v2 does.
type oneFace struct{ f *gofont.Face }

func (o oneFace) ResolveFace(rune) *gofont.Face { return o.f }
