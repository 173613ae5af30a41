package screens

import (
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

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

// paintPictogram draws the shapes of a pictogram in r: each filled or
// stroked in fg, knockout shapes in bg. It draws anti-aliased on a small
// image the size of r, then copies that onto dst: Ebiten anti-aliases
// through a buffer twice the size of the destination, which for the whole
// screen would cost tens of megabytes for a drawing of 100 pixels.
func paintPictogram(dst *ebiten.Image, r layout.Rect, shapes []layout.Shape, fg, bg color.RGBA) {
	if len(shapes) == 0 || r.W < 1 || r.H < 1 {
		return
	}
	x0, y0 := math.Floor(r.X), math.Floor(r.Y)
	img := ebiten.NewImage(int(math.Ceil(r.X+r.W-x0)), int(math.Ceil(r.Y+r.H-y0)))
	defer img.Deallocate()
	img.Fill(bg)
	for _, s := range shapes {
		c := fg
		if s.Knockout {
			c = bg
		}
		var path vector.Path
		for i, pt := range s.Points {
			if i == 0 {
				path.MoveTo(float32(pt.X-x0), float32(pt.Y-y0))
			} else {
				path.LineTo(float32(pt.X-x0), float32(pt.Y-y0))
			}
		}
		var vs []ebiten.Vertex
		var is []uint16
		op := &ebiten.DrawTrianglesOptions{AntiAlias: true}
		if s.Width == 0 {
			path.Close()
			vs, is = path.AppendVerticesAndIndicesForFilling(nil, nil)
			op.FillRule = ebiten.FillRuleNonZero
		} else {
			vs, is = path.AppendVerticesAndIndicesForStroke(nil, nil, &vector.StrokeOptions{
				Width: float32(s.Width), LineCap: vector.LineCapRound, LineJoin: vector.LineJoinRound})
		}
		drawSolid(img, vs, is, c, op)
	}
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(x0, y0)
	dst.DrawImage(img, op)
}

// white is the 1×1 source the solid triangles sample.
var white = func() *ebiten.Image {
	img := ebiten.NewImage(3, 3)
	img.Fill(color.White)
	return img.SubImage(image.Rect(1, 1, 2, 2)).(*ebiten.Image)
}()

func drawSolid(dst *ebiten.Image, vs []ebiten.Vertex, is []uint16, c color.RGBA, op *ebiten.DrawTrianglesOptions) {
	for i := range vs {
		vs[i].SrcX, vs[i].SrcY = 1, 1
		vs[i].ColorR, vs[i].ColorG, vs[i].ColorB, vs[i].ColorA = float32(c.R)/255, float32(c.G)/255, float32(c.B)/255, 1
	}
	dst.DrawTriangles(vs, is, white, op)
}
