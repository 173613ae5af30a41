// Package fonts loads the one font the customer screens are drawn in and
// measures text with it for ui/layout.
//
// The default is WenQuanYi Micro Hei (Debian fonts-wqy-microhei): measured
// on this hardware with a window up, it costs about 36 MB over a Latin-only
// font (164 MB against 128 MB RSS), loads in 0.1 s and covers both Chinese
// and Latin, so one face draws both languages. Noto Sans CJK costs about
// 210 MB more (340 MB) for no gain in legibility at these sizes, and the
// Droid fallback has no Latin glyphs at all. Any TrueType/OpenType file or
// collection can be chosen instead with --font.
//
// The font is loaded once at start-up: a missing or unreadable file is an
// error then, never in the middle of a customer's session.
package fonts

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"sync"

	gofont "github.com/go-text/typesetting/font"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
)

// DefaultPath is where Debian's fonts-wqy-microhei installs its font.
const DefaultPath = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

// Font is a loaded font; it draws and measures at any size. It is safe
// for use by one goroutine at a time (the Ebiten loop): measuring shapes
// with the same font data Ebiten draws from.
type Font struct {
	src   *text.GoTextFaceSource
	mu    sync.Mutex
	faces map[float64]*text.GoTextFace
	m     *measurer // nil: measure through text.Advance
}

// Load reads a font file (.ttf, .otf or the first face of a .ttc
// collection) and checks that it has glyphs for Chinese and Latin text.
func Load(path string) (*Font, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("fonts: read %q (install fonts-wqy-microhei or pass --font): %w", path, err)
	}
	src, err := parse(b)
	if err != nil {
		return nil, fmt.Errorf("fonts: parse %q: %w", path, err)
	}
	f := &Font{src: src, faces: map[float64]*text.GoTextFace{}}
	if face, ok := src.UnsafeInternal().(*gofont.Face); ok {
		f.m = newMeasurer(face)
	}
	for _, probe := range []rune{'转', '诈', 'A', 'z', '9'} {
		if !f.has(probe) {
			return nil, fmt.Errorf("fonts: %q has no glyph for %q: it cannot draw the screens", path, probe)
		}
	}
	return f, nil
}

// parse reads the first face of b. Of a collection only that face is
// parsed: go-text reads every glyph of a face up front, and WenQuanYi's
// .ttc holds two faces (Micro Hei and its Mono twin), so parsing both was
// 40 % of tgscreen's start-up CPU and 15 MB of heap thrown away at once.
func parse(b []byte) (*text.GoTextFaceSource, error) {
	if firstFace(b) {
		return text.NewGoTextFaceSource(bytes.NewReader(b))
	}
	if srcs, err := text.NewGoTextFaceSourcesFromCollection(bytes.NewReader(b)); err == nil && len(srcs) > 0 {
		return srcs[0], nil
	}
	return text.NewGoTextFaceSource(bytes.NewReader(b))
}

// firstFace turns the font collection in b into its first font, in place,
// and reports whether it did: the first font's table directory is copied
// to the start of the file, where a single font has its own. Table
// offsets in a collection count from the start of the file, so they stay
// valid; go-text then reads exactly what it read for that face of the
// collection. b is left alone when it is no collection, or when a table
// starts where the directory goes.
func firstFace(b []byte) bool {
	if len(b) < 16 || string(b[:4]) != "ttcf" {
		return false
	}
	off := int(binary.BigEndian.Uint32(b[12:16])) // the first font's directory
	if off < 12 || off+12 > len(b) {
		return false
	}
	n := int(binary.BigEndian.Uint16(b[off+4:]))
	dir := 12 + 16*n
	if off+dir > len(b) {
		return false
	}
	for i := 0; i < n; i++ {
		rec := b[off+12+16*i:]
		if int(binary.BigEndian.Uint32(rec[8:12])) < dir {
			return false
		}
	}
	copy(b, b[off:off+dir])
	return true
}

// has reports whether the font maps r to a glyph. If Ebiten's internals
// ever change shape, the check is skipped rather than failing a good font.
func (f *Font) has(r rune) bool {
	face, ok := f.src.UnsafeInternal().(*gofont.Face)
	if !ok {
		return true
	}
	_, ok = face.NominalGlyph(r)
	return ok
}

// Face returns the face at size pixels, cached.
func (f *Font) Face(size float64) *text.GoTextFace {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.face(size)
}

func (f *Font) face(size float64) *text.GoTextFace {
	if fc, ok := f.faces[size]; ok {
		return fc
	}
	fc := &text.GoTextFace{Source: f.src, Size: size}
	if len(f.faces) > 256 { // sizes follow window sizes; keep the cache bounded
		clear(f.faces)
	}
	f.faces[size] = fc
	return fc
}

// Width is the advance of s at size, for layout.Measurer: the advance
// text.Advance gives, without shaping the glyph outlines (measure.go).
func (f *Font) Width(s string, size float64) float64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		return text.Advance(s, f.face(size))
	}
	return f.m.width(s, size)
}

// Metrics gives ascent and descent at size, for layout.Measurer.
func (f *Font) Metrics(size float64) (float64, float64) {
	m := f.Face(size).Metrics()
	return m.HAscent, m.HDescent
}
