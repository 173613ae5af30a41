//go:build xvfb

package screens

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/ui/layout"
	"github.com/transferguard/transferguard/ui/samples"
)

// goldenSizes: a 16:9 and a 4:3 ATM screen, and a portrait topper.
var goldenSizes = [][2]int{{1280, 720}, {800, 600}, {600, 800}}

// TestGoldenScreens draws every screen in both languages at each size with
// the real font, checks the plan (nothing clipped, body >= layout.MinBody), and
// compares the pixels with testdata/<screen>_<lang>_<w>x<h>.png.
func TestGoldenScreens(t *testing.T) {
	for _, s := range samples.All() {
		for _, sz := range goldenSizes {
			phs := []layout.Phase{layout.PhaseAt(s.CountdownMS)}
			if s.CountdownMS > 0 && sz[0] == 1280 {
				phs = append(phs, layout.Phase{}) // the prompt after the countdown
			}
			for _, ph := range phs {
				name := fmt.Sprintf("%s_%s_%dx%d", s.Name, s.Lang, sz[0], sz[1])
				if ph.SecondsLeft == 0 && s.CountdownMS > 0 {
					name += "_ack"
				}
				var img *image.RGBA
				var plan layout.Plan
				onLoop(func() { img, plan = Render(s, sz[0], sz[1], ph, font) })
				for _, p := range layout.Check(s, plan) {
					t.Errorf("%s: %s", name, p)
				}
				if min := layout.MinBody(sz[0], sz[1]); plan.BodySize < min {
					t.Errorf("%s: body %.1fpx < minimum %.1fpx", name, plan.BodySize, min)
				}
				compareGolden(t, filepath.Join("testdata", name+".png"), img)
			}
		}
	}
}

// compareGolden allows small differences (font rasterisation across Mesa
// versions): at most 0.5 % of pixels may differ by more than 64 in a channel.
func compareGolden(t *testing.T, path string, got *image.RGBA) {
	t.Helper()
	if *update {
		if err := writePNG(path, got); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run scripts/test-ui.sh -update to create it)", err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	if want.Bounds() != got.Bounds() {
		t.Fatalf("%s: size %v, want %v", path, got.Bounds(), want.Bounds())
	}
	bad, b := 0, got.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if far(got.At(x, y), want.At(x, y)) {
				bad++
			}
		}
	}
	if total := b.Dx() * b.Dy(); bad*200 > total {
		t.Errorf("%s: %d of %d pixels differ (run with -update if the change is meant)", path, bad, total)
	}
}

func far(a, b interface{ RGBA() (r, g, b, a uint32) }) bool {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	d := func(x, y uint32) bool { return int(x>>8)-int(y>>8) > 64 || int(y>>8)-int(x>>8) > 64 }
	return d(ar, br) || d(ag, bg) || d(ab, bb)
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// TestTextIsActuallyDrawn guards against a blank or tofu-only render: the
// high-risk screen must put text-coloured pixels inside the body area.
func TestTextIsActuallyDrawn(t *testing.T) {
	s, _ := samples.Get(wire.ScreenHighRisk, "zh")
	var img *image.RGBA
	var plan layout.Plan
	onLoop(func() { img, plan = Render(s, 800, 600, layout.Phase{}, font) })
	for _, it := range plan.Items {
		if it.Role != layout.RoleBody {
			continue
		}
		lit := 0
		for y := int(it.Y); y < int(it.Y+it.H); y++ {
			for x := int(it.X); x < int(it.X+it.W); x++ {
				if c := img.RGBAAt(x, y); c.R > 200 && c.G > 200 && c.B > 200 {
					lit++
				}
			}
		}
		if area := int(it.W * it.H); lit*20 < area {
			t.Errorf("body line %q: only %d of %d pixels in the text colour", it.Text, lit, area)
		}
	}
}
