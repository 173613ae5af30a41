package layout

import (
	"fmt"
	"strings"
	"testing"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/ui/samples"
)

// Every choice is an equal button at least 1/10 of the height, its label
// at the body size or larger and inside it, on every display.
func TestChoicesAreEqualLargeButtons(t *testing.T) {
	for _, s := range samples.All() {
		if len(s.Choices) == 0 {
			continue
		}
		for _, sz := range displays {
			p := Compute(s, sz[0], sz[1], approx{}, Phase{})
			name := fmt.Sprintf("%s_%s/%dx%d", s.Name, s.Lang, sz[0], sz[1])
			if len(p.Buttons) != len(s.Choices) {
				t.Fatalf("%s: %d buttons for %d choices", name, len(p.Buttons), len(s.Choices))
			}
			for i, b := range p.Buttons {
				if b.H < float64(sz[1])/10 || b.W != p.Buttons[0].W || b.H != p.Buttons[0].H {
					t.Errorf("%s: button %q is %.0fx%.0f (first %.0fx%.0f, min height %d)", name, b.ID, b.W, b.H,
						p.Buttons[0].W, p.Buttons[0].H, sz[1]/10)
				}
				if got := labelOf(p, i); got != strings.Join(strings.Fields(s.Choices[i].Label), "") {
					t.Errorf("%s: button %q says %q, want %q", name, b.ID, got, s.Choices[i].Label)
				}
			}
		}
	}
}

func labelOf(p Plan, i int) string {
	var b strings.Builder
	for _, it := range p.Items {
		if it.Button == i+1 {
			if it.Size < p.BodySize {
				return fmt.Sprintf("%q at %.1fpx below the body %.1fpx", it.Text, it.Size, p.BodySize)
			}
			b.WriteString(strings.Join(strings.Fields(it.Text), ""))
		}
	}
	return b.String()
}

// A touch inside a button chooses it; outside every button, or on the
// continue button during the countdown, chooses nothing.
func TestHitChoosesOnlyInsideAnActiveButton(t *testing.T) {
	s, _ := samples.Get(wire.ScreenTransferWarning, "zh")
	running := Compute(s, 1280, 720, approx{}, PhaseAt(4000))
	done := Compute(s, 1280, 720, approx{}, Phase{})
	centre := func(b Button) (float64, float64) { return b.X + b.W/2, b.Y + b.H/2 }
	for i, b := range done.Buttons {
		x, y := centre(b)
		if id, ok := done.Hit(x, y); !ok || id != s.Choices[i].ID {
			t.Errorf("touch in the middle of %q chose %q, %v", s.Choices[i].ID, id, ok)
		}
		if id, ok := done.Hit(b.X-1, b.Y-1); ok && id == b.ID {
			t.Errorf("touch just outside %q chose it", b.ID)
		}
		x, y = centre(running.Buttons[i])
		id, ok := running.Hit(x, y)
		if want := !s.Choices[i].AfterCountdown; ok != want {
			t.Errorf("during the countdown, %q chose=%v (%q), want %v", b.ID, ok, id, want)
		}
		if running.Buttons[i].Disabled != s.Choices[i].AfterCountdown {
			t.Errorf("during the countdown, %q disabled=%v", b.ID, running.Buttons[i].Disabled)
		}
	}
	if id, ok := done.Hit(5, 5); ok {
		t.Errorf("touch in the title band chose %q", id)
	}
	if running.Buttons[0].Rect != done.Buttons[0].Rect {
		t.Error("buttons moved when the countdown ended")
	}
}

func TestPrimaryAndDisabledRoles(t *testing.T) {
	s, _ := samples.Get(wire.ScreenTransferWarning, "en")
	p := Compute(s, 1280, 720, approx{}, PhaseAt(3000))
	roles := map[string]Role{}
	for _, it := range p.Items {
		if it.Button > 0 {
			roles[p.Buttons[it.Button-1].ID] = it.Role
		}
	}
	want := map[string]Role{screen.ChoiceStop: RolePrimary, screen.ChoiceHelp: RoleChoice, screen.ChoiceContinue: RoleDisabled}
	for id, r := range want {
		if roles[id] != r {
			t.Errorf("%s drawn as %v, want %v", id, roles[id], r)
		}
	}
	if got := roleText(p, RoleLabel); !strings.HasPrefix(got, "3 ") {
		t.Errorf("countdown line %q does not start with the seconds left", got)
	}
}

// Six answers fit on every display without a word split inside a button.
func TestSixAnswersNeverSplitAWord(t *testing.T) {
	for _, lang := range samples.Langs {
		s, _ := samples.Get(wire.ScreenQuestion, lang)
		for _, sz := range displays {
			p := Compute(s, sz[0], sz[1], approx{}, Phase{})
			for _, it := range p.Items {
				if it.Button > 0 && strings.ContainsAny(it.Text, "abcdefghijklmnopqrstuvwxyz") {
					for _, w := range strings.Fields(it.Text) {
						if !strings.Contains(s.Choices[it.Button-1].Label, w) {
							t.Errorf("%s %dx%d: %q is part of a split word", lang, sz[0], sz[1], w)
						}
					}
				}
			}
		}
	}
}

// BenchmarkComputeChoices lays out the busiest screens (six answers, three
// choices with a countdown) as tgscreen does on every draw.
func BenchmarkComputeChoices(b *testing.B) {
	q, _ := samples.Get(wire.ScreenQuestion, "zh")
	tw, _ := samples.Get(wire.ScreenTransferWarning, "zh")
	for i := 0; i < b.N; i++ {
		Compute(q, 1280, 720, approx{}, Phase{})
		Compute(tw, 1280, 720, approx{}, PhaseAt(10000))
	}
}
