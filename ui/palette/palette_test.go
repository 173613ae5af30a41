package palette

import (
	"image/color"
	"math"
	"testing"
)

func TestEveryPairMeetsAAA(t *testing.T) {
	for _, tone := range Tones {
		for _, p := range For(tone).Pairs() {
			if got := Contrast(p.Fg, p.Bg); got < 7 {
				t.Errorf("%s/%s: contrast %.2f:1, want >= 7:1", tone, p.Name, got)
			}
		}
	}
}

// A button waiting for the countdown must still be read (AA), and look
// different from an active one; every button outline must stand out from
// the screen as a shape (WCAG 1.4.11: 3:1).
func TestButtonsReadAndShowTheirShape(t *testing.T) {
	for _, tone := range Tones {
		p := For(tone)
		if d := p.DisabledPair(); Contrast(d.Fg, d.Bg) < 4.5 {
			t.Errorf("%s: disabled label %.2f:1, want >= 4.5:1", tone, Contrast(d.Fg, d.Bg))
		}
		if p.Disabled == p.Choice || p.Disabled == p.Primary {
			t.Errorf("%s: a disabled button looks like an active one", tone)
		}
		if got := Contrast(p.Edge, p.Background); got < 3 {
			t.Errorf("%s: button outline %.2f:1 on the background, want >= 3:1", tone, got)
		}
		if p.Primary == p.Choice {
			t.Errorf("%s: the primary choice is not drawn stronger", tone)
		}
	}
}

func TestTonesLookDifferent(t *testing.T) {
	seen := map[color.RGBA]bool{}
	for _, tone := range Tones {
		bg := For(tone).Background
		if seen[bg] {
			t.Errorf("tone %s shares its background %v with another tone", tone, bg)
		}
		seen[bg] = true
	}
}

func TestUnknownToneIsAWarning(t *testing.T) {
	if got, want := For("bogus"), For("warn"); got != want {
		t.Errorf("got %v, want the warn palette %v", got, want)
	}
}

func TestContrastKnownValues(t *testing.T) {
	black, white := rgb(0x000000), rgb(0xFFFFFF)
	for _, c := range []struct {
		a, b color.RGBA
		want float64
	}{
		{black, white, 21}, {white, black, 21}, {white, white, 1},
		{rgb(0x767676), white, 4.54}, // the classic AA grey
	} {
		if got := Contrast(c.a, c.b); math.Abs(got-c.want) > 0.01 {
			t.Errorf("Contrast(%v, %v) = %.3f, want %.2f", c.a, c.b, got, c.want)
		}
	}
}
