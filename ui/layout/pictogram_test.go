package layout

import (
	"math"
	"testing"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/ui/samples"
)

var allPictograms = []screen.Pictogram{screen.PictogramHangUp, screen.PictogramShield, screen.PictogramStaff,
	screen.PictogramStop, screen.PictogramQuestion, screen.PictogramWarning}

// Every pictogram, strokes included, stays inside its square and covers a
// good part of it (it is meant to be seen from a step back).
func TestPictogramsStayInsideTheirSquare(t *testing.T) {
	r := Rect{X: 100, Y: 50, W: 120, H: 120}
	for _, name := range allPictograms {
		shapes := Pictogram(name, r)
		if len(shapes) == 0 {
			t.Errorf("%s: no shapes", name)
			continue
		}
		minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, s := range shapes {
			if len(s.Points) < 2 || (s.Width == 0 && len(s.Points) < 3) {
				t.Errorf("%s: degenerate shape %+v", name, s)
			}
			if s.Width == 0 && !convex(s.Points) {
				t.Errorf("%s: filled shape is not convex (tgscreen fills convex shapes only): %v", name, s.Points)
			}
			for _, p := range s.Points {
				h := s.Width / 2
				minX, minY = math.Min(minX, p.X-h), math.Min(minY, p.Y-h)
				maxX, maxY = math.Max(maxX, p.X+h), math.Max(maxY, p.Y+h)
			}
		}
		if minX < r.X-0.01 || minY < r.Y-0.01 || maxX > r.X+r.W+0.01 || maxY > r.Y+r.H+0.01 {
			t.Errorf("%s: drawn over (%.1f,%.1f)-(%.1f,%.1f), outside %+v", name, minX, minY, maxX, maxY, r)
		}
		if (maxX-minX)*(maxY-minY) < 0.6*r.W*r.H {
			t.Errorf("%s: covers only (%.0f×%.0f) of %.0f×%.0f", name, maxX-minX, maxY-minY, r.W, r.H)
		}
	}
	if Pictogram("nope", r) != nil || Pictogram(screen.PictogramNone, r) != nil {
		t.Error("an unknown pictogram drew something")
	}
}

// The pictogram is large (at least 1.6 × the smallest body text), sits in the
// title band and overlaps no text, on every display.
func TestPictogramBesideOrAboveTheTitle(t *testing.T) {
	for _, s := range samples.All() {
		if s.Pictogram == "" {
			continue
		}
		for _, sz := range displays {
			p := Compute(s, sz[0], sz[1], approx{}, Phase{})
			pr := p.PictogramRect
			if p.Pictogram != s.Pictogram || pr.W < 1.6*MinBody(sz[0], sz[1]) {
				t.Errorf("%s_%s %dx%d: pictogram %q at %+v", s.Name, s.Lang, sz[0], sz[1], p.Pictogram, pr)
			}
			if pr.Y < p.Band.Y || pr.Y+pr.H > p.Band.Y+p.Band.H+0.5 || pr.X < 0 || pr.X+pr.W > float64(sz[0]) {
				t.Errorf("%s_%s %dx%d: pictogram %+v outside the title band %+v", s.Name, s.Lang, sz[0], sz[1], pr, p.Band)
			}
		}
	}
}

// convex reports whether the polygon turns the same way at every corner.
func convex(pts []Pt) bool {
	sign := 0.0
	for i := range pts {
		a, b, c := pts[i], pts[(i+1)%len(pts)], pts[(i+2)%len(pts)]
		cross := (b.X-a.X)*(c.Y-b.Y) - (b.Y-a.Y)*(c.X-b.X)
		if math.Abs(cross) < 1e-9 {
			continue
		}
		if sign != 0 && (cross > 0) != (sign > 0) {
			return false
		}
		sign = cross
	}
	return true
}

// The rasterised pictogram is mostly drawn where its shapes are and cut
// where a knockout is: the "!" of the warning shows the background.
func TestCoverageDrawsAndCuts(t *testing.T) {
	r := Rect{X: 10.4, Y: 20.7, W: 100, H: 100}
	for _, name := range allPictograms {
		a := Coverage(Pictogram(name, r), r)
		if b := a.Bounds(); b.Dx() < 100 || b.Dx() > 102 || b.Dy() < 100 || b.Dy() > 102 {
			t.Fatalf("%s: mask %v for a 100×100 square", name, b)
		}
		on := 0
		for _, v := range a.Pix {
			if v > 128 {
				on++
			}
		}
		if on < len(a.Pix)/5 {
			t.Errorf("%s: only %d of %d pixels drawn", name, on, len(a.Pix))
		}
	}
	warn := Coverage(Pictogram(screen.PictogramWarning, r), r)
	if got := warn.AlphaAt(50, 50).A; got != 0 { // inside the "!" bar, inside the triangle
		t.Errorf("warning: the ! is not cut out (alpha %d)", got)
	}
	if got := warn.AlphaAt(50, 85).A; got != 255 { // below the dot, inside the triangle
		t.Errorf("warning: triangle not filled (alpha %d)", got)
	}
}
