// Package screens draws agent screens with Ebiten: a Game that shows the
// latest screen the agent sent and reports touches, clicks and Enter, and
// Paint, which draws one layout.Plan (also used for previews and goldens).
//
// Cost at rest is the point of its design: the game runs in Ebiten's
// FPSModeVsyncOffMinimum, where nothing happens until input arrives or
// ScheduleFrame is called; it calls ScheduleFrame when a screen arrives and
// once a second while a countdown runs, and it leaves the screen untouched
// (not cleared, not redrawn) when nothing changed.
package screens

import (
	"image"
	"image/color"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/ui/fonts"
	"github.com/transferguard/transferguard/ui/layout"
)

// Paint clears dst and draws plan p on it with font f.
func Paint(dst *ebiten.Image, p layout.Plan, f *fonts.Font) {
	pal := p.Palette
	dst.Fill(pal.Background)
	fillRect(dst, p.Band, pal.Band)
	fillRect(dst, p.FooterBand, pal.Footer)
	if p.Button.W > 0 {
		r := p.Button
		vector.DrawFilledRect(dst, float32(r.X), float32(r.Y), float32(r.W), float32(r.H), pal.Button, false)
	}
	paintButtons(dst, p)
	paintPictogram(dst, p, pal.BandText, pal.Band)
	for _, it := range p.Items {
		op := &text.DrawOptions{}
		op.GeoM.Translate(it.X, it.Y)
		op.ColorScale.ScaleWithColor(roleColor(p, it.Role))
		text.Draw(dst, it.Text, f.Face(it.Size), op)
	}
}

func fillRect(dst *ebiten.Image, r layout.Rect, c color.Color) {
	if r.W <= 0 || r.H <= 0 {
		return
	}
	vector.DrawFilledRect(dst, float32(r.X), float32(r.Y), float32(r.W), float32(r.H), c, false)
}

func roleColor(p layout.Plan, r layout.Role) color.Color {
	switch r {
	case layout.RoleTitle:
		return p.Palette.BandText
	case layout.RoleCountdown, layout.RoleLabel:
		return p.Palette.Accent
	case layout.RoleAck:
		return p.Palette.ButtonText
	case layout.RoleFooter:
		return p.Palette.FooterText
	case layout.RoleChoice:
		return p.Palette.ChoiceText
	case layout.RolePrimary:
		return p.Palette.PrimaryText
	case layout.RoleDisabled:
		return p.Palette.DisabledText
	default:
		return p.Palette.Text
	}
}

// Render draws s at w×h in phase ph on a new offscreen image and returns
// its pixels. It must run on the Ebiten loop (see RunTasks).
func Render(s screen.Screen, w, h int, ph layout.Phase, f *fonts.Font) (*image.RGBA, layout.Plan) {
	p := layout.Compute(s, w, h, f, ph)
	img := ebiten.NewImage(w, h)
	defer img.Deallocate()
	Paint(img, p, f)
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	img.ReadPixels(out.Pix)
	return out, p
}
