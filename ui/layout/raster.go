package layout

import (
	"image"
	"math"

	"golang.org/x/image/vector"
)

// Coverage rasterises the shapes of a pictogram drawn in r into an alpha
// mask the size of r (rounded out to whole pixels, origin at r's top-left
// pixel): 255 where the foreground is, 0 where the background shows,
// anti-aliased in between. Knockout shapes clear what is under them.
//
// It runs on the CPU, once per pictogram and size (tgscreen caches the
// result and draws it like a glyph). Drawing the same paths through
// Ebiten's anti-aliased or stencil-filled triangles made tgscreen outlive
// its X server, which the agent must see as "screen down".
func Coverage(shapes []Shape, r Rect) *image.Alpha {
	x0, y0 := math.Floor(r.X), math.Floor(r.Y)
	w, h := int(math.Ceil(r.X+r.W-x0)), int(math.Ceil(r.Y+r.H-y0))
	out := image.NewAlpha(image.Rect(0, 0, max(w, 0), max(h, 0)))
	if w <= 0 || h <= 0 {
		return out
	}
	z := vector.NewRasterizer(w, h)
	piece := image.NewAlpha(out.Bounds())
	for _, s := range shapes {
		for _, poly := range pieces(s) {
			clear(piece.Pix)
			z.Reset(w, h)
			for i, p := range poly {
				if i == 0 {
					z.MoveTo(float32(p.X-x0), float32(p.Y-y0))
				} else {
					z.LineTo(float32(p.X-x0), float32(p.Y-y0))
				}
			}
			z.ClosePath()
			z.Draw(piece, piece.Bounds(), image.Opaque, image.Point{})
			merge(out, piece, s.Knockout)
		}
	}
	return out
}

// merge adds piece to out (union: the larger coverage wins, so pieces of
// one stroke leave no seams) or, for a knockout, takes it away.
func merge(out, piece *image.Alpha, knockout bool) {
	for i, a := range piece.Pix {
		switch {
		case knockout:
			out.Pix[i] = uint8(uint16(out.Pix[i]) * uint16(255-a) / 255)
		case a > out.Pix[i]:
			out.Pix[i] = a
		}
	}
}

// pieces turns a shape into convex polygons: a filled shape is itself; a
// stroked line is a quad per segment and a disc (the round join or cap)
// at every point.
func pieces(s Shape) [][]Pt {
	if s.Width == 0 {
		return [][]Pt{s.Points}
	}
	h := s.Width / 2
	var out [][]Pt
	for i, p := range s.Points {
		out = append(out, arc(p.X, p.Y, h, 0, 360))
		if i == 0 {
			continue
		}
		q := s.Points[i-1]
		dx, dy := p.X-q.X, p.Y-q.Y
		l := math.Hypot(dx, dy)
		if l == 0 {
			continue
		}
		nx, ny := -dy/l*h, dx/l*h
		out = append(out, []Pt{{q.X + nx, q.Y + ny}, {p.X + nx, p.Y + ny}, {p.X - nx, p.Y - ny}, {q.X - nx, q.Y - ny}})
	}
	return out
}
