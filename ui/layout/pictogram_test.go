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
