package layout

import (
	"math"
	"slices"

	"github.com/transferguard/transferguard/agent/screen"
)

// Button is one choice as drawn: equal in size to the others, its label
// items (RoleChoice, RolePrimary or RoleDisabled) inside it.
type Button struct {
	Rect
	ID       string
	Key      string
	Primary  bool
	Disabled bool // AfterCountdown while the countdown runs
}

// Hit returns the id of the active button that contains (x, y), in plan
// coordinates. A point outside every button, or on a button still waiting
// for the countdown, chooses nothing (ok false): the display reports it
// without a choice and the agent ignores it.
func (p Plan) Hit(x, y float64) (id string, ok bool) {
	for _, b := range p.Buttons {
		if !b.Disabled && x >= b.X && x < b.X+b.W && y >= b.Y && y < b.Y+b.H {
			return b.ID, true
		}
	}
	return "", false
}

// grid is the block of choice buttons: equal buttons in cols columns,
// labels at (at least) the body size, wrapped inside their button.
type grid struct {
	cols, rows       int
	bw, bh, gap      float64
	padX, padY, size float64
	labels           [][]string
	lines            int // of the longest label
}

// better: labels of at most two lines first (a three-line label in a
// narrow button reads worse than a taller block), then the lower block.
func (g grid) better(than grid) bool {
	if (g.lines > 2) != (than.lines > 2) {
		return g.lines <= 2
	}
	return g.height() < than.height()-0.5
}

func (g grid) height() float64 {
	if g.rows == 0 {
		return 0
	}
	return float64(g.rows)*g.bh + float64(g.rows-1)*g.gap
}

// MinButtonFraction: a button is at least this part of the screen height,
// so a shaking finger finds it.
const MinButtonFraction = 0.1

// grids returns the ways to lay the buttons out in one to three columns,
// best first (see better); arrange takes the first that fits.
func (a *arranger) grids(choices []screen.Choice, size float64) []grid {
	if len(choices) == 0 {
		return []grid{{}}
	}
	b := a.box(size)
	padX, padY := 0.5*size, (0.1+a.sp.pad)*b
	gap := math.Max(0.025*a.h, 0.3*b)
	var out []grid
	for cols := 1; cols <= min(len(choices), 3); cols++ {
		g := grid{cols: cols, rows: (len(choices) + cols - 1) / cols, gap: gap, padX: padX, padY: padY, size: size}
		g.bw = (a.contentW - float64(cols-1)*gap) / float64(cols)
		if cols > 1 && !a.wordsFit(choices, size, g.bw-2*padX) {
			break // narrower buttons would split a word
		}
		g.lines = 1
		for _, c := range choices {
			l := a.memo.wrap(a.m, c.Label, size, g.bw-2*padX) // as many lines as balanced
			g.labels = append(g.labels, l)
			g.lines = max(g.lines, len(l))
		}
		g.bh = math.Max(MinButtonFraction*a.h, a.height(g.lines, size)+2*padY)
		out = append(out, g)
	}
	slices.SortStableFunc(out, func(x, y grid) int {
		switch {
		case x.better(y):
			return -1
		case y.better(x):
			return 1
		}
		return 0
	})
	return out
}

// wordsFit reports whether every word of every label fits in width w.
func (a *arranger) wordsFit(choices []screen.Choice, size, w float64) bool {
	for _, c := range choices {
		if a.memo.widestToken(a.m, c.Label, size) > w {
			return false
		}
	}
	return true
}

// placeGrid lays the buttons out from y down, rows centred, and adds
// their labels, centred in each button.
func (a *arranger) placeGrid(choices []screen.Choice, g grid, y float64, waiting bool) []Button {
	var out []Button
	for i, c := range choices {
		row, col := i/g.cols, i%g.cols
		inRow := min(g.cols, len(choices)-row*g.cols)
		rowW := float64(inRow)*g.bw + float64(inRow-1)*g.gap
		x := (a.w-rowW)/2 + float64(col)*(g.bw+g.gap)
		b := Button{Rect: Rect{X: x, Y: y + float64(row)*(g.bh+g.gap), W: g.bw, H: g.bh},
			ID: c.ID, Key: c.Key, Primary: c.Primary, Disabled: waiting && c.AfterCountdown}
		role := RoleChoice
		switch {
		case b.Disabled:
			role = RoleDisabled
		case b.Primary:
			role = RolePrimary
		}
		label := a.memo.wrapBalanced(a.m, c.Label, g.size, g.bw-2*g.padX)
		ty := b.Y + (g.bh-a.height(len(label), g.size))/2
		first := len(a.items)
		a.placeIn(role, label, g.size, ty, b.X, b.W)
		for j := first; j < len(a.items); j++ {
			a.items[j].Button = i + 1
		}
		out = append(out, b)
	}
	return out
}

// placeIn adds lines centred within [x, x+w].
func (a *arranger) placeIn(role Role, lines []string, size, y, x, w float64) {
	b := a.box(size)
	for i, l := range lines {
		if i > 0 {
			y += a.sp.line * b
		}
		lw := a.m.Width(l, size)
		a.items = append(a.items, Item{Role: role, Text: l, X: x + (w-lw)/2, Y: y, W: lw, H: b, Size: size})
		y += b
	}
}
