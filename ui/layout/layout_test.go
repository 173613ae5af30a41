package layout

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/ui/samples"
)

var update = flag.Bool("update", false, "rewrite the golden plans in testdata/")

// Sizes covers the displays the terminal runs on: ATM 4:3 and 16:9
// screens, counter monitors and portrait topper displays.
var displays = [][2]int{{800, 600}, {1024, 768}, {1280, 720}, {1920, 1080}, {1080, 1920}, {600, 800}}

// phases returns the moments worth checking: countdown running (widest
// number) and over (the prompt shows).
func phases(s screen.Screen) []Phase {
	if s.CountdownMS == 0 {
		return []Phase{{}}
	}
	return []Phase{PhaseAt(s.CountdownMS), {}}
}

func TestNothingClippedEverywhere(t *testing.T) {
	for mname, m := range map[string]Measurer{"approx": approx{}} {
		for _, s := range samples.All() {
			for _, sz := range displays {
				for _, ph := range phases(s) {
					name := fmt.Sprintf("%s/%s_%s/%dx%d/%ds", mname, s.Name, s.Lang, sz[0], sz[1], ph.SecondsLeft)
					checkPlan(t, name, s, Compute(s, sz[0], sz[1], m, ph))
				}
			}
		}
	}
}

func checkPlan(t *testing.T, name string, s screen.Screen, p Plan) {
	t.Helper()
	for _, problem := range Check(s, p) {
		t.Errorf("%s: %s", name, problem)
	}
	if min := MinBody(p.W, p.H); p.BodySize < min-1e-9 {
		t.Errorf("%s: body %.1fpx, want >= %.1fpx", name, p.BodySize, min)
	}
}

func TestTooMuchTextShrinksInsteadOfClipping(t *testing.T) {
	s, _ := samples.Get(wire.ScreenTransferWarning, "en")
	for i := 0; i < 4; i++ {
		s.Lines = append(s.Lines, s.Lines...)
	}
	p := Compute(s, 800, 600, approx{}, Phase{})
	if p.Fits {
		t.Fatal("64 paragraphs on 800x600 reported as fitting at the minimum size")
	}
	for _, it := range p.Items {
		if it.Y+it.H > 600.5 || it.X+it.W > 800.5 {
			t.Fatalf("%q clipped at (%.0f,%.0f)", it.Text, it.X, it.Y)
		}
	}
}

func TestCountdownGivesWayToPrompt(t *testing.T) {
	s := screen.Screen{Name: wire.ScreenTransferWarning, Lang: "zh", Tone: screen.ToneWarn, Title: "请停一下",
		Lines: []string{"您正在通话中。", "请确认您认识收款人。"}, CountdownMS: 10000, CountdownLabel: "秒后可以继续",
		Ack: true, AckPrompt: "我已了解风险，按确认键继续"}
	running := Compute(s, 1280, 720, approx{}, PhaseAt(9001))
	done := Compute(s, 1280, 720, approx{}, Phase{})
	if got := roleText(running, RoleCountdown); got != "10" {
		t.Errorf("countdown with 9001 ms left shows %q, want 10", got)
	}
	if got := roleText(running, RoleAck); got != "" || running.Button.W != 0 {
		t.Errorf("prompt %q shown while counting down", got)
	}
	if got := roleText(done, RoleAck); got != s.AckPrompt {
		t.Errorf("prompt after countdown = %q, want %q", got, s.AckPrompt)
	}
	if running.BodySize != done.BodySize || firstY(running, RoleBody) != firstY(done, RoleBody) {
		t.Error("body moved when the countdown ended")
	}
}

func firstY(p Plan, r Role) float64 {
	for _, it := range p.Items {
		if it.Role == r {
			return it.Y
		}
	}
	return -1
}

func TestDegenerateSizeDoesNotPanic(t *testing.T) {
	s, _ := samples.Get(wire.ScreenStandby, "zh")
	for _, sz := range [][2]int{{0, 0}, {1, 1}, {-5, 10}, {40, 30}} {
		Compute(s, sz[0], sz[1], approx{}, Phase{})
	}
}

// TestGoldenPlans pins the arrangement (with the font-independent
// measurer) so a layout change shows up as a readable diff.
func TestGoldenPlans(t *testing.T) {
	for _, sz := range displays {
		var b strings.Builder
		for _, s := range samples.All() {
			for _, ph := range phases(s) {
				p := Compute(s, sz[0], sz[1], approx{}, ph)
				fmt.Fprintf(&b, "== %s %s %ds fits=%v body=%.1f\n", s.Name, s.Lang, ph.SecondsLeft, p.Fits, p.BodySize)
				if p.Pictogram != "" {
					r := p.PictogramRect
					fmt.Fprintf(&b, "pictogram %5.0f %5.0f %5.0f %s\n", r.X, r.Y, r.W, p.Pictogram)
				}
				for _, bt := range p.Buttons {
					fmt.Fprintf(&b, "button    %5.0f %5.0f %5.0f %5.0f %s primary=%v disabled=%v\n", bt.X, bt.Y, bt.W, bt.H, bt.ID, bt.Primary, bt.Disabled)
				}
				for _, it := range p.Items {
					fmt.Fprintf(&b, "%-9s %5.0f %5.0f %5.0f %5.1f %q\n", it.Role, it.X, it.Y, it.W, it.Size, it.Text)
				}
			}
		}
		golden(t, filepath.Join("testdata", fmt.Sprintf("plans_%dx%d.golden", sz[0], sz[1])), b.String())
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test -update if the change is meant):\n%s", path, got)
	}
}

func TestCountdownLabelNamesSecondsLeft(t *testing.T) {
	s := screen.Screen{Name: wire.ScreenTransferWarning, Lang: "zh", Title: "请停一下", Lines: []string{"请仔细阅读"},
		CountdownMS: 7000, CountdownLabel: "{s} 秒后可继续", Ack: true, AckPrompt: "继续"}
	p := Compute(s, 1280, 720, approx{}, PhaseAt(7000))
	var found bool
	for _, l := range p.Items {
		if strings.Contains(l.Text, "{s}") {
			t.Fatalf("placeholder drawn as is: %q", l.Text)
		}
		found = found || strings.HasPrefix(l.Text, "7 秒")
	}
	if !found {
		t.Errorf("no line says 7 秒: %+v", p.Items)
	}
}
