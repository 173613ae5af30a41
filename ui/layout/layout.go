// Package layout places the texts of one agent screen on a display of a
// given size, as pure code: which lines, at which size, where, in which
// colours. Drawing (ui/screens) only paints what a Plan says, so every
// screen × language × display size can be checked for legibility and
// clipping without a GPU.
//
// Rules, for older eyes: body text is never smaller than 1/20 of the
// screen height (on portrait displays, of 1.25 × the width), the title is larger than the body, text wraps (between
// two CJK characters but never inside a Protected word, at spaces in Latin
// text) and is never clipped or dropped. Choices are equal buttons at least
// 1/10 of the screen high with labels at the body size or larger, and a
// pictogram stands beside the title (above it on narrow screens). When texts do not fit, spacing is condensed first and fonts are
// shrunk next, down to the minimums; only a text too long to fit even then
// is drawn smaller, and the Plan says so (Fits is false).
package layout

import (
	"math"
	"strconv"
	"strings"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/ui/palette"
)

// Measurer measures text in the font the screen is drawn with. Methods
// must be safe to call from one goroutine at a time; they never fail.
type Measurer interface {
	// Width is the advance of text set at size pixels.
	Width(text string, size float64) float64
	// Metrics gives the ascent and descent of a line at size pixels.
	Metrics(size float64) (ascent, descent float64)
}

// Role says what an item is, which decides its colour.
type Role uint8

// Roles of the items on a screen.
const (
	RoleTitle     Role = iota // in the title band
	RoleBody                  // the body paragraphs
	RoleCountdown             // the big seconds-left digits
	RoleLabel                 // text beside the countdown
	RoleAck                   // the acknowledgement prompt, on the button
	RoleFooter                // small print in the footer band
	RoleChoice                // the label of an active choice button
	RolePrimary               // the label of the primary (safe) choice
	RoleDisabled              // the label of a choice waiting for the countdown
)

var roleNames = [...]string{"title", "body", "countdown", "label", "ack", "footer", "choice", "primary", "disabled"}

// IsChoice reports whether r labels a choice button.
func (r Role) IsChoice() bool { return r == RoleChoice || r == RolePrimary || r == RoleDisabled }

// String names the role for goldens and logs.
func (r Role) String() string {
	if int(r) < len(roleNames) {
		return roleNames[r]
	}
	return "role" + strconv.Itoa(int(r))
}

// Item is one line of text; X, Y is the top-left of its line box, W its
// measured width and H the height of the line box (ascent + descent).
// Button is the 1-based index of the button a choice label sits in.
type Item struct {
	Role       Role
	Text       string
	X, Y, W, H float64
	Size       float64
	Button     int
}

// Rect is an axis-aligned rectangle; W == 0 means absent.
type Rect struct{ X, Y, W, H float64 }

// Plan is everything a display needs to paint one screen at one moment.
type Plan struct {
	W, H       int
	Palette    palette.Palette
	Band       Rect // title band, top
	FooterBand Rect // footer band, bottom
	Button     Rect // acknowledgement button, when the prompt is shown
	// Buttons are the choices (screen.Choices), in the screen's order.
	Buttons []Button
	// Pictogram is drawn in PictogramRect (a square beside or above the
	// title); Pictogram(p.Pictogram, p.PictogramRect) gives its shapes.
	Pictogram     screen.Pictogram
	PictogramRect Rect
	Items         []Item
	// BodySize is the body font size chosen, MinBody the smallest allowed.
	BodySize, MinBody float64
	// Fits is false when the texts only fit below the minimum sizes.
	Fits bool
}

// Phase is the moving part of a screen: seconds of cooling-off left.
// Zero means the countdown is over (or there is none).
type Phase struct{ SecondsLeft int }

// PhaseAt returns the phase of s with left milliseconds of countdown to go,
// rounding up so the display never shows 0 while the agent still waits.
func PhaseAt(leftMS int64) Phase {
	if leftMS <= 0 {
		return Phase{}
	}
	return Phase{SecondsLeft: int((leftMS + 999) / 1000)}
}

// Compute lays out s on a w×h display in phase ph. The sizes chosen do not
// depend on ph: the countdown and the prompt that replaces it share one
// reserved block, so nothing moves when the countdown ends.
func Compute(s screen.Screen, w, h int, m Measurer, ph Phase) Plan {
	// A configured label may name the seconds left ("{s} 秒后可继续"); on
	// a screen with choices, where no big digits are drawn, it always does.
	if len(s.Choices) > 0 && s.CountdownMS > 0 && !strings.Contains(s.CountdownLabel, "{s}") {
		s.CountdownLabel = "{s} " + s.CountdownLabel
	}
	s.CountdownLabel = strings.ReplaceAll(s.CountdownLabel, "{s}", strconv.Itoa(ph.SecondsLeft))
	if w < 1 || h < 1 {
		return Plan{W: w, H: h, Palette: palette.For(s.Tone)}
	}
	base, minimum := baseSizes(w, h), minSizes(w, h)
	memo := tokenMemo{}
	// Roomy spacing at a slightly smaller size reads better than large
	// text crammed together; condensed spacing only at the minimum sizes.
	// Sizes shrink in 5 % steps down to the minimums (step last); smaller
	// text never fits worse, so the largest that fits is found by
	// bisection: about 6 tries instead of up to 60 on every draw.
	at := func(step int) sizes { return base.scaled(math.Pow(0.95, float64(step))).atLeast(minimum) }
	try := func(step int) (Plan, bool) {
		sz := at(step)
		spacings := []spacing{normalSpacing, mediumSpacing}
		if sz == minimum {
			spacings = append(spacings, condensedSpacing)
		}
		for _, sp := range spacings {
			if p, ok := arrange(s, w, h, m, memo, ph, sz, sp); ok {
				return p, true
			}
		}
		return Plan{}, false
	}
	last := 0
	for last < 59 && at(last) != minimum {
		last++
	}
	if best, ok := try(last); ok {
		lo, hi := -1, last // hi fits; lo does not (or is before the first step)
		for hi-lo > 1 {
			mid := (lo + hi) / 2
			if p, ok := try(mid); ok {
				hi, best = mid, p
			} else {
				lo = mid
			}
		}
		best.Fits, best.MinBody = true, minimum.body
		return best
	}
	// Too much text for the minimums: shrink further rather than clip.
	var p Plan
	for step := 1; step < 60; step++ {
		var ok bool
		p, ok = arrange(s, w, h, m, memo, ph, minimum.scaled(math.Pow(0.93, float64(step))), condensedSpacing)
		if ok {
			break
		}
	}
	p.Fits, p.MinBody = false, minimum.body
	return p
}

// sizes are the font sizes of the roles, in pixels.
type sizes struct{ title, body, count, label, footer float64 }

// baseSizes are the sizes a screen starts from. On portrait displays they
// follow the width more than the height, so lines stay a readable length.
func baseSizes(w, h int) sizes {
	b := math.Min(float64(h), 1.25*float64(w))
	return sizes{title: b / 10, body: b / 14, count: b / 5, label: b / 15, footer: b / 22}
}

// minSizes are the floors: body at 1/20 of the screen height (of 1.25 ×
// the width on a portrait display, where the height would leave a handful
// of characters per line and no room for six answer buttons), the title a
// little larger, the small print smaller.
func minSizes(w, h int) sizes {
	f := 20 * MinBody(w, h)
	return sizes{title: f / 18, body: f / 20, count: f / 12, label: f / 22, footer: f / 34}
}

// MinBody is the smallest body text size on a w×h display: 1/20 of the
// height, or of 1.25 × the width if that is less (portrait displays).
func MinBody(w, h int) float64 {
	return math.Min(float64(h), 1.25*float64(w)) / 20
}

func (s sizes) scaled(k float64) sizes {
	return sizes{s.title * k, s.body * k, s.count * k, s.label * k, s.footer * k}
}

func (s sizes) atLeast(m sizes) sizes {
	return sizes{math.Max(s.title, m.title), math.Max(s.body, m.body), math.Max(s.count, m.count),
		math.Max(s.label, m.label), math.Max(s.footer, m.footer)}
}

// spacing is whitespace in units of the line box (lines, paragraphs,
// band padding) and of the screen height (gaps between blocks).
type spacing struct{ line, para, pad, section float64 }

var (
	normalSpacing    = spacing{line: 0.15, para: 0.55, pad: 0.45, section: 0.045}
	mediumSpacing    = spacing{line: 0.08, para: 0.4, pad: 0.3, section: 0.025}
	condensedSpacing = spacing{line: 0.02, para: 0.2, pad: 0.12, section: 0.01}
)
