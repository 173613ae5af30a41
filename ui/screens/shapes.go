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
		vector.DrawFilledRect(dst, x, y, w, h, fill, true)
		vector.StrokeRect(dst, x+edge/2, y+edge/2, w-edge, h-edge, edge, pal.Edge, true)
	}
}

// paintPictogram fills or strokes each shape in fg; knockout shapes in bg.
func paintPictogram(dst *ebiten.Image, shapes []layout.Shape, fg, bg color.RGBA) {
	for _, s := range shapes {
		c := fg
		if s.Knockout {
			c = bg
		}
		var path vector.Path
		for i, pt := range s.Points {
			if i == 0 {
				path.MoveTo(float32(pt.X), float32(pt.Y))
			} else {
				path.LineTo(float32(pt.X), float32(pt.Y))
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
		drawSolid(dst, vs, is, c, op)
	}
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
