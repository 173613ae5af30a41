package layout

import (
	"math"

	"github.com/transferguard/transferguard/agent/screen"
)

// Pt is a point in plan coordinates.
type Pt struct{ X, Y float64 }

// Shape is one part of a pictogram: a filled convex polygon (Width 0) or
// a line through Points stroked Width wide with round ends. Knockout parts are
// drawn in the colour behind the pictogram, to cut a mark out of a shape
// drawn before them (the "!" in the triangle).
type Shape struct {
	Points   []Pt
	Width    float64
	Knockout bool
}

// Pictogram returns the shapes of pictogram name drawn in r (a square), in
// drawing order, or nil for none or an unknown name. Geometry is pure so a
// test can prove every drawing stays inside its square.
func Pictogram(name screen.Pictogram, r Rect) []Shape {
	draw, ok := pictograms[name]
	if !ok {
		return nil
	}
	unit := draw()
	out := make([]Shape, len(unit))
	for i, s := range unit {
		out[i] = Shape{Width: s.Width * r.W, Knockout: s.Knockout, Points: make([]Pt, len(s.Points))}
		for j, p := range s.Points {
			out[i].Points[j] = Pt{r.X + p.X*r.W, r.Y + p.Y*r.H}
		}
	}
	return out
}

// pictograms draw in the unit square, y down.
var pictograms = map[screen.Pictogram]func() []Shape{
	screen.PictogramWarning:  warningShapes,
	screen.PictogramShield:   shieldShapes,
	screen.PictogramQuestion: questionShapes,
	screen.PictogramStop:     handShapes,
	screen.PictogramStaff:    staffShapes,
	screen.PictogramHangUp:   hangUpShapes,
}

func fill(pts ...Pt) Shape             { return Shape{Points: pts} }
func line(w float64, pts ...Pt) Shape  { return Shape{Points: pts, Width: w} }
func cut(s Shape) Shape                { s.Knockout = true; return s }
func box(x0, y0, x1, y1 float64) Shape { return fill(Pt{x0, y0}, Pt{x1, y0}, Pt{x1, y1}, Pt{x0, y1}) }
func disc(cx, cy, r float64) Shape     { return fill(arc(cx, cy, r, 0, 360)...) }
func ring(cx, cy, r, w float64) Shape  { return line(w, arc(cx, cy, r, 0, 360)...) }
func deg(d float64) float64            { return d * math.Pi / 180 }
func at(cx, cy, r, d float64) Pt       { return Pt{cx + r*math.Cos(deg(d)), cy + r*math.Sin(deg(d))} }
func arc(cx, cy, r, from, to float64) []Pt { // degrees, clockwise on screen
	n := int(math.Ceil(math.Abs(to-from)/7.5)) + 1
	pts := make([]Pt, n)
	for i := range pts {
		pts[i] = at(cx, cy, r, from+(to-from)*float64(i)/float64(n-1))
	}
	return pts
}

// warningShapes: a triangle with "!" cut out.
func warningShapes() []Shape {
	return []Shape{
		fill(Pt{0.5, 0.05}, Pt{0.97, 0.92}, Pt{0.03, 0.92}),
		cut(box(0.455, 0.34, 0.545, 0.66)),
		cut(disc(0.5, 0.77, 0.055)),
	}
}

// shieldShapes: a shield with a tick cut out.
func shieldShapes() []Shape {
	right := []Pt{{0.5, 0.03}, {0.9, 0.15}, {0.9, 0.42}, {0.86, 0.58}, {0.77, 0.72}, {0.65, 0.85}, {0.5, 0.97}}
	outline := append([]Pt(nil), right...)
	for i := len(right) - 2; i > 0; i-- {
		outline = append(outline, Pt{1 - right[i].X, right[i].Y})
	}
	return []Shape{
		fill(outline...),
		cut(line(0.11, Pt{0.3, 0.5}, Pt{0.45, 0.65}, Pt{0.71, 0.36})),
	}
}

// questionShapes: a disc with "?" cut out.
func questionShapes() []Shape {
	hook := arc(0.5, 0.37, 0.15, 180, 405)
	hook = append(hook, Pt{0.5, 0.58}, Pt{0.5, 0.64})
	return []Shape{
		disc(0.5, 0.5, 0.47),
		cut(line(0.1, hook...)),
		cut(disc(0.5, 0.79, 0.065)),
	}
}

// handShapes: a raised open hand, palm out — "stop".
func handShapes() []Shape {
	fingers := [][3]float64{{0.32, 0.2, 0.1}, {0.45, 0.06, 0.1}, {0.58, 0.06, 0.1}, {0.71, 0.16, 0.1}}
	var out []Shape
	for _, f := range fingers {
		out = append(out, line(f[2], Pt{f[0], f[1] + 0.05}, Pt{f[0], 0.55}))
	}
	palm := []Pt{{0.27, 0.45}, {0.76, 0.45}, {0.76, 0.72}}
	palm = append(palm, arc(0.53, 0.72, 0.23, 0, 90)...)
	palm = append(palm, Pt{0.38, 0.95}, Pt{0.27, 0.78})
	out = append(out, fill(palm...))
	out = append(out, line(0.1, Pt{0.3, 0.72}, Pt{0.18, 0.52}, Pt{0.1, 0.42}))
	return out
}

// staffShapes: a person walking towards you, with motion lines behind.
func staffShapes() []Shape {
	return []Shape{
		disc(0.6, 0.14, 0.1),
		line(0.13, Pt{0.58, 0.32}, Pt{0.52, 0.6}),                  // body
		line(0.09, Pt{0.52, 0.6}, Pt{0.62, 0.76}, Pt{0.6, 0.94}),   // front leg
		line(0.09, Pt{0.52, 0.6}, Pt{0.42, 0.78}, Pt{0.3, 0.92}),   // back leg
		line(0.08, Pt{0.58, 0.34}, Pt{0.74, 0.48}, Pt{0.86, 0.42}), // front arm
		line(0.08, Pt{0.57, 0.36}, Pt{0.42, 0.47}, Pt{0.36, 0.58}), // back arm
		line(0.06, Pt{0.06, 0.36}, Pt{0.26, 0.36}),
		line(0.06, Pt{0.04, 0.52}, Pt{0.22, 0.52}),
		line(0.06, Pt{0.06, 0.68}, Pt{0.2, 0.68}),
	}
}

// hangUpShapes: a telephone handset, lying down, inside a "no" sign.
func hangUpShapes() []Shape {
	return []Shape{
		line(0.17, arc(0.5, 0.66, 0.215, 200, 340)...),                     // the grip
		fill(Pt{0.16, 0.54}, Pt{0.4, 0.6}, Pt{0.38, 0.76}, Pt{0.18, 0.72}), // ear piece
		fill(Pt{0.6, 0.6}, Pt{0.84, 0.54}, Pt{0.82, 0.72}, Pt{0.62, 0.76}), // mouth piece
		cut(line(0.17, Pt{0.24, 0.24}, Pt{0.76, 0.76})),
		ring(0.5, 0.5, 0.45, 0.08),
		line(0.08, Pt{0.2, 0.2}, Pt{0.8, 0.8}),
	}
}
