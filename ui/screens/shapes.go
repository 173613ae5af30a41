package screens

import (
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/ui/layout"
)

// paintButtons draws every choice button: filled in its colour (primary,
// plain, or muted while it waits for the countdown) with an outline in
// the palette's Edge colour so its shape shows on any background.
func paintButtons(dst *ebiten.Image, p layout.Plan) {
	pal := p.Palette
	edge := float32(math.Max(3, float64(p.H)/240))
	for _, b := range p.Buttons {
		fill := pal.Choice
		switch {
		case b.Disabled:
			fill = pal.Disabled
		case b.Primary:
			fill = pal.Primary
		}
		x, y, w, h := float32(b.X), float32(b.Y), float32(b.W), float32(b.H)
		// Axis-aligned: no anti-aliasing needed, and Ebiten's costs a
		// buffer twice the size of dst (about 33 MB at 1920×1080).
		vector.DrawFilledRect(dst, x, y, w, h, fill, false)
		vector.StrokeRect(dst, x+edge/2, y+edge/2, w-edge, h-edge, edge, pal.Edge, false)
	}
}

// paintPictogram draws pictogram p.Pictogram in p.PictogramRect: fg where
// the shapes are, bg where knockouts cut them. The shapes are rasterised
// on the CPU (layout.Coverage) once per pictogram, size and colours and
// then drawn as an image, as glyphs are.
func paintPictogram(dst *ebiten.Image, p layout.Plan, fg, bg color.RGBA) {
	r := p.PictogramRect
	shapes := layout.Pictogram(p.Pictogram, r)
	if len(shapes) == 0 || r.W < 1 || r.H < 1 {
		return
	}
	key := pictoKey{p.Pictogram, r.X - math.Floor(r.X), r.Y - math.Floor(r.Y), r.W, fg, bg}
	img, ok := pictoCache[key]
	if !ok {
		img = ebiten.NewImageFromImage(tint(layout.Coverage(shapes, r), fg, bg))
		if len(pictoCache) >= 16 { // sizes follow the window; keep few
			for k, v := range pictoCache {
				v.Deallocate()
				delete(pictoCache, k)
			}
		}
		pictoCache[key] = img
	}
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(math.Floor(r.X), math.Floor(r.Y))
	dst.DrawImage(img, op)
}

// pictoKey identifies a rasterised pictogram: the same drawing at the same
// size, sub-pixel offset and colours.
type pictoKey struct {
	name      screen.Pictogram
	fx, fy, w float64
	fg, bg    color.RGBA
}

// pictoCache is used on the Ebiten loop only.
var pictoCache = map[pictoKey]*ebiten.Image{}

// tint colours a coverage mask: bg at 0, fg at 255, blended between.
func tint(a *image.Alpha, fg, bg color.RGBA) *image.RGBA {
	out := image.NewRGBA(a.Bounds())
	mix := func(f, b uint8, c uint8) uint8 { return uint8((uint16(f)*uint16(c) + uint16(b)*uint16(255-c)) / 255) }
	for i, c := range a.Pix {
		out.Pix[4*i], out.Pix[4*i+1], out.Pix[4*i+2], out.Pix[4*i+3] = mix(fg.R, bg.R, c), mix(fg.G, bg.G, c), mix(fg.B, bg.B, c), 0xff
	}
	return out
}
