//go:build xvfb

package screens

import (
	"errors"
	"image/color"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/ui/layout"
	"github.com/transferguard/transferguard/ui/samples"
)

type recorder struct {
	mu   sync.Mutex
	msgs []string
}

func (r *recorder) add(s string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, s)
	return nil
}
func (r *recorder) Ready() error { return r.add("ready") }
func (r *recorder) Input(src, key, choice string, _ uint64) error {
	return r.add("input " + src + " " + key + " " + choice)
}
func (r *recorder) Shown(seq uint64) error { return r.add("shown " + string(rune('0'+seq))) }
func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msgs...)
}

type voices struct{ played []string }

func (v *voices) Play(name string) { v.played = append(v.played, name) }

var marker = color.RGBA{0xff, 0x00, 0xff, 0xff}

// frame runs one Update and Draw onto a canvas painted with marker and
// reports whether the game painted over it.
func frame(t *testing.T, g *Game, canvas *ebiten.Image) (painted bool, err error) {
	t.Helper()
	onLoop(func() {
		canvas.Fill(marker)
		if err = g.Update(); err != nil {
			return
		}
		g.Layout(800, 600)
		g.Draw(canvas)
		r, gr, b, _ := canvas.At(400, 300).RGBA()
		painted = color.RGBA{uint8(r >> 8), uint8(gr >> 8), uint8(b >> 8), 0xff} != marker
	})
	return painted, err
}

func TestGameDrawsOnlyOnChangeAndCountsDown(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	rec, v := &recorder{}, &voices{}
	g := NewGame(Options{Font: font, Out: rec, Voice: v, Log: zerolog.Nop(), Now: func() time.Time { return now }})
	var canvas *ebiten.Image
	onLoop(func() { canvas = ebiten.NewImage(800, 600) })

	if painted, _ := frame(t, g, canvas); !painted {
		t.Fatal("first frame not painted")
	}
	s, _ := samples.Get(wire.ScreenTransferWarning, "zh")
	s.Seq = 5
	g.Show(s)
	if painted, _ := frame(t, g, canvas); !painted {
		t.Fatal("new screen not painted")
	}
	if got := rec.got(); len(got) != 2 || got[0] != "ready" || got[1] != "shown 5" {
		t.Errorf("messages %q, want ready then shown 5", got)
	}
	if len(v.played) != 1 || v.played[0] != "transfer_warning_zh" {
		t.Errorf("voice played %q, want transfer_warning_zh once", v.played)
	}
	if painted, _ := frame(t, g, canvas); painted {
		t.Error("repainted with nothing changed")
	}
	// During the countdown continue does not answer a click on it.
	for _, b := range g.plan.Buttons {
		if b.ID == screen.ChoiceContinue {
			onLoop(func() { g.input(screen.SourceClick, "", int(b.X+b.W/2), int(b.Y+b.H/2)) })
		}
	}
	if got := rec.got(); got[len(got)-1] != "input click  " {
		t.Errorf("click on continue during the countdown reported %q, want no choice", got[len(got)-1])
	}
	now = now.Add(300 * time.Millisecond)
	if painted, _ := frame(t, g, canvas); painted {
		t.Error("repainted within the same countdown second")
	}
	now = now.Add(800 * time.Millisecond)
	if painted, _ := frame(t, g, canvas); !painted || g.phase.SecondsLeft != 9 {
		t.Errorf("after 1.1 s: painted %v, %d s left; want repaint at 9 s", painted, g.phase.SecondsLeft)
	}
	g.Show(s) // the agent re-sends the same screen: countdown goes on
	frame(t, g, canvas)
	if g.phase.SecondsLeft != 9 || len(v.played) != 1 {
		t.Errorf("re-sent screen restarted countdown (%d s) or voice (%d plays)", g.phase.SecondsLeft, len(v.played))
	}
	now = now.Add(9 * time.Second)
	frame(t, g, canvas)
	if g.phase != (layout.Phase{}) {
		t.Errorf("after 10.1 s the countdown shows %d s", g.phase.SecondsLeft)
	}
	// The countdown is over: a click inside a button chooses it, a click
	// outside every button chooses nothing.
	for _, b := range g.plan.Buttons {
		onLoop(func() { g.input(screen.SourceClick, "", int(b.X+b.W/2), int(b.Y+b.H/2)) })
	}
	onLoop(func() { g.input(screen.SourceTouch, "", 3, 3) })
	onLoop(func() { g.input(screen.SourceKey, "ESCAPE", 400, 300) })
	want := []string{"input click  ", "input click  stop", "input click  help", "input click  continue", "input touch  ", "input key ESCAPE "}
	if got := rec.got()[2:]; !slices.Equal(got, want) {
		t.Errorf("inputs reported %q, want %q", got, want)
	}
	g.Close()
	if _, err := frame(t, g, canvas); !errors.Is(err, ebiten.Termination) {
		t.Errorf("after Close, Update returned %v, want ebiten.Termination", err)
	}
}
