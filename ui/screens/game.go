package screens

import (
	"context"
	"runtime/debug"
	"sync"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/ui/fonts"
	"github.com/transferguard/transferguard/ui/layout"
	"github.com/transferguard/transferguard/ui/palette"
)

// Reporter receives what the game tells the agent. It is called on the
// Ebiten loop and must not block for long; an error means the agent is
// gone and the game ends.
type Reporter interface {
	Ready() error
	// Input reports a touch, click or key aimed at screen seq; choice is
	// the id of the active button a touch or click landed in, or "".
	Input(source, key, choice string, seq uint64) error
	Shown(seq uint64) error
}

// Voice plays a named clip once. It must not block; it may do nothing
// (no sound device, unknown clip).
type Voice interface{ Play(name string) }

// Options configure a Game.
type Options struct {
	Font  *fonts.Font
	Out   Reporter
	Voice Voice // nil: silent
	Log   zerolog.Logger
	Now   func() time.Time // nil: time.Now
	// AlwaysDraw repaints every frame, as Ebiten's default loop does; for
	// benchmarks comparing it with drawing only on change.
	AlwaysDraw bool
}

// Game is the ebiten.Game of tgscreen. Show and Close may be called from
// any goroutine; everything else runs on the Ebiten loop.
type Game struct {
	o         Options
	deadlines chan time.Time // countdown ends, to the ticker
	kicks     chan struct{}  // Show/Close happened, to the ticker
	trims     chan struct{}  // a new screen was drawn, to the ticker

	mu        sync.Mutex
	pending   *screen.Screen
	pendingAt time.Time
	closed    bool

	// Owned by the Ebiten loop.
	cur          screen.Screen
	have         bool
	receivedAt   time.Time
	deadline     time.Time
	phase        layout.Phase
	w, h         int
	dirty        bool
	readySent    bool
	shownSeq     uint64
	shownAny     bool
	warnedNoFit  uint64
	touches      []ebiten.TouchID
	plans        *layout.Cache
	plan         layout.Plan // last drawn, for hit-testing
	lastDrawCost time.Duration
}

// NewGame returns a game showing nothing until the first Show.
func NewGame(o Options) *Game {
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Log = o.Log.With().Str("component", "screens").Logger()
	return &Game{o: o, deadlines: make(chan time.Time, 1), kicks: make(chan struct{}, 1),
		trims: make(chan struct{}, 1), dirty: true, plans: layout.NewCache(o.Font, planCacheSize)}
}

// Show makes s the screen to draw at the next frame; a later Show before
// that frame replaces it. It never blocks.
func (g *Game) Show(s screen.Screen) {
	g.mu.Lock()
	g.pending, g.pendingAt = &s, g.o.Now()
	g.mu.Unlock()
	g.wake()
}

// Close ends the game at its next frame: the agent closed the pipe.
func (g *Game) Close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.wake()
}

// RunTicker wakes the loop once a second while a countdown runs, once when
// it ends, and again every retryWake while a screen sent by Show has not
// been taken yet (a wake-up posted while Ebiten is inside a frame can be
// swallowed), until ctx is cancelled. A second after a new screen was
// drawn it hands the garbage of laying it out back to the OS (trimDelay).
// Run it in its own goroutine.
func (g *Game) RunTicker(ctx context.Context) {
	var deadline time.Time
	tick, retry, trim := stoppedTimer(), stoppedTimer(), stoppedTimer()
	defer tick.Stop()
	defer retry.Stop()
	defer trim.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-g.trims:
			trim.Reset(trimDelay)
			continue
		case <-trim.C:
			// Layout and glyph caching leave garbage that the runtime
			// would keep for minutes; the screen then rests for seconds.
			debug.FreeOSMemory()
			continue
		case deadline = <-g.deadlines:
		case <-g.kicks:
			retry.Reset(retryWake)
			continue
		case <-retry.C:
			if g.waiting() {
				//lint:ignore SA1019 draw-on-demand mode: measured 0 % of a core idle under Xvfb against 157 % for the default loop (docs/benchmarks.md); no replacement API offers it
				ebiten.ScheduleFrame()
				retry.Reset(retryWake)
			}
			continue
		case <-tick.C:
			//lint:ignore SA1019 draw-on-demand mode: measured 0 % of a core idle under Xvfb against 157 % for the default loop (docs/benchmarks.md); no replacement API offers it
			ebiten.ScheduleFrame()
		}
		if left := deadline.Sub(g.o.Now()); left > 0 {
			next := left % time.Second // the next whole second of the countdown
			if next == 0 {
				next = time.Second
			}
			tick.Reset(next + time.Millisecond)
		}
	}
}

// planCacheSize plans are kept (about 10 KB each): every screen of both
// languages with the 10 seconds of a shipped countdown, which a repeated
// warning replays.
const planCacheSize = 64

// retryWake is how often a pending screen re-asks for a frame.
const retryWake = 15 * time.Millisecond

// trimDelay: memory is returned this long after the last new screen, off
// the Ebiten loop, so a burst of screens pays for one collection.
const trimDelay = time.Second

func stoppedTimer() *time.Timer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return t
}

// waiting reports whether Show or Close still waits for an Update.
func (g *Game) waiting() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.pending != nil || g.closed
}

// wake asks for a frame now and, via RunTicker, again until it came.
func (g *Game) wake() {
	//lint:ignore SA1019 draw-on-demand mode: measured 0 % of a core idle under Xvfb against 157 % for the default loop (docs/benchmarks.md); no replacement API offers it
	ebiten.ScheduleFrame()
	select {
	case g.kicks <- struct{}{}:
	default:
	}
}

// Update takes the latest screen, advances the countdown and reports input.
func (g *Game) Update() error {
	g.mu.Lock()
	s, at, closed := g.pending, g.pendingAt, g.closed
	g.pending = nil
	g.mu.Unlock()
	if closed {
		return ebiten.Termination
	}
	if s != nil {
		g.accept(*s, at)
	}
	if !g.have {
		return nil
	}
	if ph := layout.PhaseAt(g.deadline.Sub(g.o.Now()).Milliseconds()); ph != g.phase {
		g.phase, g.dirty = ph, true
	}
	return g.readInput()
}

// accept makes s current. The same seq again (the agent re-sending after a
// reconnect) keeps the running countdown and does not repeat the voice.
func (g *Game) accept(s screen.Screen, at time.Time) {
	same := g.have && s.Seq == g.cur.Seq
	g.cur, g.have, g.dirty = s, true, true
	if same {
		return
	}
	g.receivedAt = at
	g.deadline = at.Add(time.Duration(s.CountdownMS) * time.Millisecond)
	g.phase = layout.PhaseAt(s.CountdownMS)
	select { // keep only the newest deadline for the ticker
	case <-g.deadlines:
	default:
	}
	g.deadlines <- g.deadline
	if s.Voice != "" && g.o.Voice != nil {
		g.o.Voice.Play(s.Voice)
	}
	g.o.Log.Info().Str("screen", string(s.Name)).Str("lang", s.Lang).Uint64("seq", s.Seq).Msg("screen received")
}

// readInput reports the first new touch, click or key of this frame. A
// touch or click names the button it landed in (layout.Plan.Hit on the
// plan last drawn); outside every active button it names none.
func (g *Game) readInput() error {
	var src, key string
	var x, y int
	g.touches = inpututil.AppendJustPressedTouchIDs(g.touches[:0])
	switch {
	case len(g.touches) > 0:
		src = screen.SourceTouch
		x, y = ebiten.TouchPosition(g.touches[0])
	case inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft):
		src = screen.SourceClick
		x, y = ebiten.CursorPosition()
	default:
		if key = pressedKey(); key == "" {
			return nil
		}
		src = screen.SourceKey
	}
	return g.input(src, key, x, y)
}

// input reports one input; a touch or click at (x, y) names the active
// button it landed in.
func (g *Game) input(src, key string, x, y int) error {
	var choice string
	if src != screen.SourceKey {
		choice, _ = g.plan.Hit(float64(x), float64(y))
	}
	return g.report(g.o.Out.Input(src, key, choice, g.cur.Seq))
}

// keys are the keys reported, by the name the agent maps to terminal keys
// (docs/screen-protocol.md): Enter, Escape and the function keys the
// choices name.
var keys = []struct {
	k    ebiten.Key
	name string
}{
	{ebiten.KeyEnter, "ENTER"}, {ebiten.KeyNumpadEnter, "ENTER"}, {ebiten.KeyEscape, "ESCAPE"},
	{ebiten.KeyF1, "F1"}, {ebiten.KeyF2, "F2"}, {ebiten.KeyF3, "F3"}, {ebiten.KeyF4, "F4"},
	{ebiten.KeyF5, "F5"}, {ebiten.KeyF6, "F6"}, {ebiten.KeyF7, "F7"}, {ebiten.KeyF8, "F8"},
}

func pressedKey() string {
	for _, k := range keys {
		if inpututil.IsKeyJustPressed(k.k) {
			return k.name
		}
	}
	return ""
}

func (g *Game) report(err error) error {
	if err != nil {
		g.o.Log.Error().Err(err).Msg("agent pipe broken; exiting")
		return ebiten.Termination
	}
	return nil
}

// Draw repaints only when something changed; otherwise the last frame
// stays on screen (the screen is not cleared every frame).
func (g *Game) Draw(dst *ebiten.Image) {
	if !g.dirty && !g.o.AlwaysDraw {
		return
	}
	g.dirty = false
	start := g.o.Now()
	b := dst.Bounds()
	if !g.have {
		dst.Fill(palette.For(screen.ToneInfo).Background)
	} else {
		p := g.plans.Plan(g.cur, b.Dx(), b.Dy(), g.phase)
		Paint(dst, p, g.o.Font)
		g.plan = p
		if !p.Fits && g.warnedNoFit != g.cur.Seq+1 {
			g.warnedNoFit = g.cur.Seq + 1
			g.o.Log.Warn().Str("screen", string(g.cur.Name)).Float64("body_px", p.BodySize).Float64("min_px", p.MinBody).Msg("texts too long; drawn below the minimum size")
		}
	}
	g.lastDrawCost = g.o.Now().Sub(start)
	if !g.readySent {
		g.readySent = true
		g.o.Log.Info().Int("w", b.Dx()).Int("h", b.Dy()).Msg("window up")
		if err := g.o.Out.Ready(); err != nil {
			g.o.Log.Error().Err(err).Msg("tell agent ready")
		}
	}
	if g.have && (!g.shownAny || g.cur.Seq != g.shownSeq) {
		g.shownAny, g.shownSeq = true, g.cur.Seq
		g.o.Log.Debug().Uint64("seq", g.cur.Seq).Dur("since_received", g.o.Now().Sub(g.receivedAt)).Dur("draw", g.lastDrawCost).Msg("screen drawn")
		if err := g.o.Out.Shown(g.cur.Seq); err != nil {
			g.o.Log.Error().Err(err).Msg("tell agent shown")
		}
		select {
		case g.trims <- struct{}{}:
		default:
		}
	}
}

// Layout follows the window (or full screen) at device resolution, and
// asks for a repaint when the size changes.
func (g *Game) Layout(outW, outH int) (int, int) {
	scale := ebiten.Monitor().DeviceScaleFactor()
	w, h := int(float64(outW)*scale), int(float64(outH)*scale)
	if w != g.w || h != g.h {
		g.w, g.h, g.dirty = w, h, true
	}
	return w, h
}
