package screens

import (
	"errors"

	"github.com/hajimehoshi/ebiten/v2"
)

// RunTasks owns the Ebiten loop (one per process: a second RunGame fails)
// and runs each function received on tasks on it, in order, until tasks is
// closed. Previews and the Xvfb tests draw offscreen through it; the window
// itself stays small and blank.
func RunTasks(tasks <-chan func()) error {
	ebiten.SetWindowSize(64, 64)
	ebiten.SetWindowTitle("tgscreen (offscreen)")
	err := ebiten.RunGameWithOptions(&taskGame{tasks: tasks}, &ebiten.RunGameOptions{InitUnfocused: true})
	if errors.Is(err, ebiten.Termination) {
		return nil
	}
	return err
}

type taskGame struct{ tasks <-chan func() }

func (g *taskGame) Update() error {
	for {
		select {
		case fn, ok := <-g.tasks:
			if !ok {
				return ebiten.Termination
			}
			fn()
		default:
			return nil
		}
	}
}

func (g *taskGame) Draw(*ebiten.Image) {}

func (g *taskGame) Layout(w, h int) (int, int) { return w, h }
