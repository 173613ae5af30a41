package layout

import (
	"math"
	"strconv"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/ui/palette"
)

// arranger places blocks of lines for one try of sizes and spacing.
type arranger struct {
	m        Measurer
	memo     tokenMemo
	sp       spacing
	w, h     float64
	marginX  float64
	contentW float64
	items    []Item
}

// box is the height of one line box at size.
func (a *arranger) box(size float64) float64 {
	asc, desc := a.m.Metrics(size)
	return asc + desc
}

// height of n wrapped lines at size, without padding.
func (a *arranger) height(n int, size float64) float64 {
	if n == 0 {
		return 0
	}
	b := a.box(size)
	return float64(n)*b + float64(n-1)*a.sp.line*b
}

// place adds lines at size from y down, centred or at the left margin, and
// returns the y below the last line.
func (a *arranger) place(role Role, lines []string, size, y float64, centred bool) float64 {
	b := a.box(size)
	for i, l := range lines {
		if i > 0 {
			y += a.sp.line * b
		}
		w := a.m.Width(l, size)
		x := a.marginX
		if centred {
			x = (a.w - w) / 2
		}
		a.items = append(a.items, Item{Role: role, Text: l, X: x, Y: y, W: w, H: b, Size: size})
		y += b
	}
	return y
}

// band lays out a full-width band of centred text at y and returns it.
func (a *arranger) band(role Role, text string, size, y float64) Rect {
	lines := a.memo.wrap(a.m, text, size, a.contentW)
	if role == RoleTitle {
		lines = a.memo.wrapBalanced(a.m, text, size, a.contentW)
	}
	pad := a.sp.pad * a.box(size)
	r := Rect{X: 0, Y: y, W: a.w, H: a.height(len(lines), size) + 2*pad}
	a.place(role, lines, size, y+pad, true)
	return r
}

// action is the reserved block under the body: the countdown, and what
// replaces it when it ends — the acknowledgement button, or, on a screen
// with choices, the prompt as a plain line above the buttons.
type action struct {
	countLabel, prompt []string
	countH, ackH       float64
	btnPadX, btnPadY   float64
}

func (a *arranger) action(s screen.Screen, sz sizes) action {
	var ac action
	choices := len(s.Choices) > 0
	switch {
	case choices && s.CountdownMS > 0:
		// The buttons matter more than big digits: the seconds left are
		// one line at the label size ("10 秒后可以继续"), which the prompt
		// replaces when the countdown ends.
		ac.countLabel = a.memo.wrap(a.m, s.CountdownLabel, sz.label, a.contentW)
		ac.countH = a.height(len(ac.countLabel), sz.label)
	case s.CountdownMS > 0:
		ac.countH = a.box(sz.count)
		if s.CountdownLabel != "" {
			ac.countLabel = a.memo.wrap(a.m, s.CountdownLabel, sz.label, a.contentW)
			ac.countH += a.sp.line*a.box(sz.label) + a.height(len(ac.countLabel), sz.label)
		}
	}
	switch {
	case choices && s.AckPrompt != "":
		ac.prompt = a.memo.wrap(a.m, s.AckPrompt, sz.label, a.contentW)
		ac.ackH = a.height(len(ac.prompt), sz.label)
	case !choices && s.Ack && s.AckPrompt != "":
		ac.btnPadX, ac.btnPadY = 0.6*sz.label, (0.1+a.sp.pad)*a.box(sz.label)
		ac.prompt = a.memo.wrap(a.m, s.AckPrompt, sz.label, a.contentW-2*ac.btnPadX)
		ac.ackH = a.height(len(ac.prompt), sz.label) + 2*ac.btnPadY
	}
	return ac
}

// titleBand lays out the title band with the pictogram beside the title,
// or above it where beside would squeeze the title.
func (a *arranger) titleBand(s screen.Screen, size float64, p *Plan) {
	if len(Pictogram(s.Pictogram, Rect{W: 1, H: 1})) == 0 {
		if s.Title != "" {
			p.Band = a.band(RoleTitle, s.Title, size, 0)
		}
		return
	}
	pic, pad, gapX := 1.35*a.box(size), a.sp.pad*a.box(size), 0.4*size
	wrap := func(w float64) []string {
		if s.Title == "" {
			return nil
		}
		return a.memo.wrapBalanced(a.m, s.Title, size, w)
	}
	p.Pictogram = s.Pictogram
	if side := a.contentW - 2*(pic+gapX); side >= 0.6*a.contentW {
		lines := wrap(side)
		th := a.height(len(lines), size)
		inner := math.Max(th, pic)
		p.Band = Rect{W: a.w, H: inner + 2*pad}
		p.PictogramRect = Rect{X: a.marginX, Y: pad + (inner-pic)/2, W: pic, H: pic}
		a.placeIn(RoleTitle, lines, size, pad+(inner-th)/2, a.marginX+pic+gapX, side)
		return
	}
	lines := wrap(a.contentW)
	p.PictogramRect = Rect{X: (a.w - pic) / 2, Y: pad, W: pic, H: pic}
	y := pad + pic
	if len(lines) > 0 {
		y += a.sp.line * a.box(size)
	}
	a.placeIn(RoleTitle, lines, size, y, a.marginX, a.contentW)
	p.Band = Rect{W: a.w, H: y + a.height(len(lines), size) + pad}
}

// arrange tries one set of sizes and spacing; ok is false if anything
// would be clipped.
func arrange(s screen.Screen, w, h int, m Measurer, memo tokenMemo, ph Phase, sz sizes, sp spacing) (Plan, bool) {
	a := &arranger{m: m, memo: memo, sp: sp, w: float64(w), h: float64(h)}
	a.marginX = math.Max(0.04*a.w, 12)
	a.contentW = a.w - 2*a.marginX
	p := Plan{W: w, H: h, Palette: palette.For(s.Tone), BodySize: sz.body}
	a.titleBand(s, sz.title, &p)
	top, bottom := p.Band.H, a.h
	if s.Footer != "" {
		lines := a.memo.wrap(m, s.Footer, sz.footer, a.contentW)
		fh := a.height(len(lines), sz.footer) + 2*sp.pad*a.box(sz.footer)
		p.FooterBand = a.band(RoleFooter, s.Footer, sz.footer, a.h-fh)
		bottom = p.FooterBand.Y
	}
	var paras [][]string
	centred, bodyH := true, 0.0
	for i, l := range s.Lines {
		lines := a.memo.wrap(m, l, sz.body, a.contentW)
		centred = centred && len(lines) == 1
		paras = append(paras, lines)
		if i > 0 {
			bodyH += sp.para * a.box(sz.body)
		}
		bodyH += a.height(len(lines), sz.body)
	}
	ac := a.action(s, sz)
	actionH := math.Max(ac.countH, ac.ackH)
	gap, gridGap := 0.0, 0.0
	if bodyH > 0 && actionH > 0 {
		gap = sp.section * a.h
	}
	if len(s.Choices) > 0 && bodyH+actionH > 0 {
		gridGap = sp.section * a.h
	}
	var g grid
	total, room := 0.0, bottom-top-2*sp.section*a.h
	for _, g = range a.grids(s.Choices, sz.body) {
		if total = bodyH + gap + actionH + gridGap + g.height(); total <= room {
			break
		}
	}
	if total > room {
		return p, false
	}
	y := top + (bottom-top-total)/2
	for i, lines := range paras {
		if i > 0 {
			y += sp.para * a.box(sz.body)
		}
		y = a.place(RoleBody, lines, sz.body, y, centred)
	}
	p.Button = a.placeAction(s, ph, sz, ac, y+gap, actionH)
	p.Buttons = a.placeGrid(s.Choices, g, y+gap+actionH+gridGap, s.CountdownMS > 0 && ph.SecondsLeft > 0)
	p.Items = a.items
	for _, it := range p.Items {
		if it.W > a.contentW+0.5 {
			return p, false
		}
	}
	return p, true
}

// placeAction draws the countdown while it runs, else the prompt button,
// centred in the reserved block; it returns the button (or none).
func (a *arranger) placeAction(s screen.Screen, ph Phase, sz sizes, ac action, y, blockH float64) Rect {
	if s.CountdownMS > 0 && ph.SecondsLeft > 0 && len(s.Choices) > 0 {
		a.place(RoleLabel, ac.countLabel, sz.label, y+(blockH-ac.countH)/2, true)
		return Rect{}
	}
	if s.CountdownMS > 0 && ph.SecondsLeft > 0 {
		y += (blockH - ac.countH) / 2
		y = a.place(RoleCountdown, []string{strconv.Itoa(ph.SecondsLeft)}, sz.count, y, true)
		if len(ac.countLabel) > 0 {
			a.place(RoleLabel, ac.countLabel, sz.label, y+a.sp.line*a.box(sz.label), true)
		}
		return Rect{}
	}
	if len(ac.prompt) == 0 {
		return Rect{}
	}
	y += (blockH - ac.ackH) / 2
	if len(s.Choices) > 0 {
		a.place(RoleLabel, ac.prompt, sz.label, y, true)
		return Rect{}
	}
	widest := 0.0
	for _, l := range ac.prompt {
		widest = math.Max(widest, a.m.Width(l, sz.label))
	}
	bw := widest + 2*ac.btnPadX
	a.place(RoleAck, ac.prompt, sz.label, y+ac.btnPadY, true)
	return Rect{X: (a.w - bw) / 2, Y: y, W: bw, H: ac.ackH}
}
