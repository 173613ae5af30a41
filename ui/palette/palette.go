// Package palette holds the colours of the customer screens, one set per
// screen.Tone. It is pure data so a test can prove every text colour meets
// WCAG AAA contrast (7:1) against the background it is drawn on: the person
// reading may be old, frightened, and standing a step back from a sunlit ATM.
package palette

import (
	"image/color"
	"math"

	"github.com/transferguard/transferguard/agent/screen"
)

// Palette is the set of colours one screen is drawn with. Each text colour
// is paired with the background it sits on; Pairs lists the pairs.
type Palette struct {
	Background color.RGBA // whole screen
	Text       color.RGBA // body lines, on Background
	Band       color.RGBA // title band
	BandText   color.RGBA // title, on Band
	Accent     color.RGBA // countdown digits and label, on Background
	Button     color.RGBA // acknowledgement button
	ButtonText color.RGBA // ack prompt, on Button
	Footer     color.RGBA // footer band
	FooterText color.RGBA // footer small print, on Footer
	// Choice buttons (screen.Choice): every button has an Edge outline so
	// its shape shows on any background; the primary (safe) choice is
	// filled with the stronger colour; a button that only works after the
	// countdown is drawn muted but its label stays legible (Disabled pair,
	// at least 4.5:1, WCAG AA).
	Choice       color.RGBA
	ChoiceText   color.RGBA // on Choice
	Primary      color.RGBA
	PrimaryText  color.RGBA // on Primary
	Disabled     color.RGBA
	DisabledText color.RGBA // on Disabled
	Edge         color.RGBA // button outline, on Background
}

// Pair is one foreground drawn on one background.
type Pair struct {
	Name   string
	Fg, Bg color.RGBA
}

// Pairs lists every text/background combination the screens draw.
func (p Palette) Pairs() []Pair {
	return []Pair{
		{"text", p.Text, p.Background},
		{"title", p.BandText, p.Band},
		{"accent", p.Accent, p.Background},
		{"button", p.ButtonText, p.Button},
		{"footer", p.FooterText, p.Footer},
		{"choice", p.ChoiceText, p.Choice},
		{"primary", p.PrimaryText, p.Primary},
	}
}

// DisabledPair is the label of a button waiting for the countdown: muted
// so it reads as "not yet", held to 4.5:1 rather than 7:1.
func (p Palette) DisabledPair() Pair { return Pair{"disabled", p.DisabledText, p.Disabled} }

func rgb(v uint32) color.RGBA {
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

// Calm navy for information, amber for a warning that asks for attention,
// deep red with yellow for "stop, hang up". Background, not text, carries
// the tone so it is seen before anything is read.
var tones = map[screen.Tone]Palette{
	screen.ToneInfo: {
		Background: rgb(0x0B2545), Text: rgb(0xFFFFFF),
		Band: rgb(0x061A33), BandText: rgb(0xFFFFFF),
		Accent: rgb(0xFFE08A),
		Button: rgb(0xFFE08A), ButtonText: rgb(0x0B2545),
		Footer: rgb(0x061A33), FooterText: rgb(0xE8EEF5),
		Choice: rgb(0xFFFFFF), ChoiceText: rgb(0x0B2545),
		Primary: rgb(0xFFE08A), PrimaryText: rgb(0x0B2545),
		Disabled: rgb(0x3C4D66), DisabledText: rgb(0xDDE3EA),
		Edge: rgb(0xFFFFFF),
	},
	screen.ToneWarn: {
		Background: rgb(0xFFF6DC), Text: rgb(0x1A1A1A),
		Band: rgb(0x6B3A00), BandText: rgb(0xFFFFFF),
		Accent: rgb(0x8A1C00),
		Button: rgb(0x6B3A00), ButtonText: rgb(0xFFFFFF),
		Footer: rgb(0x1A1A1A), FooterText: rgb(0xFFF6DC),
		Choice: rgb(0xFFFFFF), ChoiceText: rgb(0x1A1A1A),
		Primary: rgb(0x6B3A00), PrimaryText: rgb(0xFFFFFF),
		Disabled: rgb(0xE6DDC6), DisabledText: rgb(0x4A4438),
		Edge: rgb(0x1A1A1A),
	},
	screen.ToneDanger: {
		Background: rgb(0x6E0000), Text: rgb(0xFFFFFF),
		Band: rgb(0xFFD400), BandText: rgb(0x1A0000),
		Accent: rgb(0xFFD400),
		Button: rgb(0xFFD400), ButtonText: rgb(0x1A0000),
		Footer: rgb(0x2A0000), FooterText: rgb(0xFFFFFF),
		Choice: rgb(0xFFFFFF), ChoiceText: rgb(0x1A0000),
		Primary: rgb(0xFFD400), PrimaryText: rgb(0x1A0000),
		Disabled: rgb(0x8E3B3B), DisabledText: rgb(0xFFFFFF),
		Edge: rgb(0xFFFFFF),
	},
}

// Tones lists the tones that have a palette, for tests and previews.
var Tones = []screen.Tone{screen.ToneInfo, screen.ToneWarn, screen.ToneDanger}

// For returns the palette of a tone; an unknown or empty tone is drawn as
// a warning, since a screen the agent bothered to show deserves attention.
func For(t screen.Tone) Palette {
	if p, ok := tones[t]; ok {
		return p
	}
	return tones[screen.ToneWarn]
}

// Contrast is the WCAG 2 contrast ratio of two opaque colours (1 to 21).
func Contrast(a, b color.RGBA) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c color.RGBA) float64 {
	return 0.2126*channel(c.R) + 0.7152*channel(c.G) + 0.0722*channel(c.B)
}

func channel(v uint8) float64 {
	s := float64(v) / 255
	if s <= 0.04045 {
		return s / 12.92
	}
	return math.Pow((s+0.055)/1.055, 2.4)
}
