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
		}
		if it.Role != RoleTitle && it.Role != RoleFooter && (it.Y < bodyTop-0.5 || it.Y+it.H > bodyBottom+0.5) {
			bad("%s %q overlaps a band", it.Role, it.Text)
		}
		if it.Role == RoleBody && it.Size < h/20-1e-9 {
			bad("%s %q at %.1fpx, below 1/20 of the height", it.Role, it.Text, it.Size)
		}
		for _, o := range p.Items[i+1:] {
			if overlap(it, o) {
				bad("%q overlaps %q", it.Text, o.Text)
			}
		}
	}
	if got, want := squash(roleText(p, RoleBody)), squash(strings.Join(s.Lines, "")); got != want {
		bad("body text changed: got %q, want %q", got, want)
	}
	return out
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
