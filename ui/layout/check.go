package layout

import (
	"fmt"
	"strings"

	"github.com/transferguard/transferguard/agent/screen"
)

// Check lists what a customer would notice is wrong with plan p of s: text
// outside the screen or its band, overlapping text, text below the minimum
// size, a title not larger than the body, body text lost. Tests run it for
// every screen, and `tgscreen --preview` prints it for bank IT.
func Check(s screen.Screen, p Plan) []string {
	var out []string
	bad := func(f string, a ...any) { out = append(out, fmt.Sprintf(f, a...)) }
	w, h := float64(p.W), float64(p.H)
	if !p.Fits {
		bad("texts do not fit at the minimum sizes; drawn at %.0fpx instead of %.0fpx", p.BodySize, p.MinBody)
	}
	bodyTop, bodyBottom := p.Band.Y+p.Band.H, h
	if p.FooterBand.W > 0 {
		bodyBottom = p.FooterBand.Y
	}
	for i, it := range p.Items {
		if it.X < 0 || it.Y < 0 || it.X+it.W > w+0.5 || it.Y+it.H > h+0.5 {
			bad("%s %q leaves the screen", it.Role, it.Text)
		}
		switch it.Role {
		case RoleTitle:
			checkInside(bad, it, p.Band)
			if it.Size <= p.BodySize && len(s.Lines) > 0 {
				bad("title %.1fpx not larger than body %.1fpx", it.Size, p.BodySize)
			}
		case RoleFooter:
			checkInside(bad, it, p.FooterBand)
		case RoleAck:
			checkInside(bad, it, p.Button)
		case RoleChoice, RolePrimary, RoleDisabled:
			checkChoiceLabel(bad, p, it)
		}
		if it.Role != RoleTitle && it.Role != RoleFooter && (it.Y < bodyTop-0.5 || it.Y+it.H > bodyBottom+0.5) {
			bad("%s %q overlaps a band", it.Role, it.Text)
		}
		if it.Role == RoleBody && it.Size < MinBody(p.W, p.H)-1e-9 {
			bad("%s %q at %.1fpx, below the minimum %.1fpx", it.Role, it.Text, it.Size, MinBody(p.W, p.H))
		}
		for _, o := range p.Items[i+1:] {
			if overlap(it, o) {
				bad("%q overlaps %q", it.Text, o.Text)
			}
		}
		if p.PictogramRect.W > 0 && overlapRect(it.Rect(), p.PictogramRect) {
			bad("%s %q overlaps the pictogram", it.Role, it.Text)
		}
	}
	checkButtons(bad, s, p)
	for _, w := range BrokenWords(p) {
		bad("line break inside %q", w)
	}
	if got, want := squash(roleText(p, RoleBody)), squash(strings.Join(s.Lines, "")); got != want {
		bad("body text changed: got %q, want %q", got, want)
	}
	return out
}

// checkChoiceLabel: a label sits inside its button, at the body size or
// larger (unless nothing fits at the minimums).
func checkChoiceLabel(bad func(string, ...any), p Plan, it Item) {
	if it.Button < 1 || it.Button > len(p.Buttons) {
		bad("%s %q belongs to no button", it.Role, it.Text)
		return
	}
	checkInside(bad, it, p.Buttons[it.Button-1].Rect)
	if p.Fits && it.Size < p.BodySize-1e-9 {
		bad("choice %q at %.1fpx, smaller than the body %.1fpx", it.Text, it.Size, p.BodySize)
	}
}

// checkButtons: one equal button per choice, each at least 1/10 of the
// height, on screen, apart from each other and from every other text.
func checkButtons(bad func(string, ...any), s screen.Screen, p Plan) {
	if len(p.Buttons) != len(s.Choices) {
		bad("%d buttons for %d choices", len(p.Buttons), len(s.Choices))
	}
	for i, b := range p.Buttons {
		if b.H < MinButtonFraction*float64(p.H)-1e-9 {
			bad("button %q %.0fpx high, below 1/10 of the height", b.ID, b.H)
		}
		if b.W != p.Buttons[0].W || b.H != p.Buttons[0].H {
			bad("button %q not the same size as %q", b.ID, p.Buttons[0].ID)
		}
		if b.X < 0 || b.Y < 0 || b.X+b.W > float64(p.W)+0.5 || b.Y+b.H > float64(p.H)+0.5 {
			bad("button %q leaves the screen", b.ID)
		}
		for _, o := range p.Buttons[i+1:] {
			if overlapRect(b.Rect, o.Rect) {
				bad("button %q overlaps %q", b.ID, o.ID)
			}
		}
		for _, it := range p.Items {
			if it.Button != i+1 && overlapRect(b.Rect, it.Rect()) {
				bad("button %q covers %q", b.ID, it.Text)
			}
		}
	}
}

// BrokenWords lists the Protected words that a line break in p cuts in
// two: for each pair of consecutive lines of one block (same role and
// button), the end of the first joined to the start of the next.
func BrokenWords(p Plan) []string {
	var out []string
	for i := 1; i < len(p.Items); i++ {
		a, b := p.Items[i-1], p.Items[i]
		if a.Role != b.Role || a.Button != b.Button {
			continue
		}
		joined := a.Text + b.Text
		for _, w := range Protected {
			for from := 0; ; {
				k := strings.Index(joined[from:], w)
				if k < 0 {
					break
				}
				k += from
				if k < len(a.Text) && k+len(w) > len(a.Text) {
					out = append(out, w)
				}
				from = k + 1
			}
		}
	}
	return out
}

// Rect is the line box of the item.
func (it Item) Rect() Rect { return Rect{it.X, it.Y, it.W, it.H} }

func overlapRect(a, b Rect) bool {
	return a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H
}

func checkInside(bad func(string, ...any), it Item, r Rect) {
	if it.X < r.X-0.5 || it.Y < r.Y-0.5 || it.X+it.W > r.X+r.W+0.5 || it.Y+it.H > r.Y+r.H+0.5 {
		bad("%s %q sticks out of its band", it.Role, it.Text)
	}
}

func overlap(a, b Item) bool {
	return a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H
}

func roleText(p Plan, r Role) string {
	var b strings.Builder
	for _, it := range p.Items {
		if it.Role == r {
			b.WriteString(it.Text)
		}
	}
	return b.String()
}

// squash drops whitespace, which wrapping may turn into line breaks.
func squash(s string) string {
	return strings.Join(strings.Fields(string([]rune(s))), "")
}
