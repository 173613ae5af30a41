// Package screenproc is the agent's side of the screen process: it starts
// tgscreen, sends it the current screen, reads touches, clicks and keys
// back, and restarts it with backoff when it dies. tgscreen links Ebiten,
// which exits the process when the X server goes away; keeping it in its
// own process is what lets the agent keep answering the serial line and
// publishing alerts whatever happens to the display.
//
// This package never imports Ebiten: it only speaks the line protocol of
// agent/screen (docs/screen-protocol.md) over tgscreen's stdin and stdout.
package screenproc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/screen"
)

// States reported to Config.OnState; the agent publishes them as ui=up|down.
const (
	StateUp   = "up"
	StateDown = "down"
)

// Config says how to run tgscreen.
type Config struct {
	Binary string   // path of tgscreen
	Args   []string // e.g. --fullscreen
	Env    []string // added to the agent's environment, e.g. DISPLAY=:0
	// MinBackoff and MaxBackoff bound the wait before a restart; it doubles
	// after each quick failure and resets after a run of a minute.
	MinBackoff, MaxBackoff time.Duration
	// OnState is called with StateUp when tgscreen's window is up and
	// StateDown when it is gone, only on changes, from Run's goroutine.
	OnState func(state string)
	// OnShown, if set, is called with the seq of each screen tgscreen has
	// drawn (for the audit of what the customer saw and when).
	OnShown func(seq uint64)
	// Stderr receives tgscreen's own log lines; nil means os.Stderr.
	Stderr io.Writer
}

// Proc supervises one tgscreen. Show and Inputs may be used from any
// goroutine; Run is called once.
type Proc struct {
	cfg    Config
	log    zerolog.Logger
	wake   chan struct{}
	inputs chan screen.FromDisplay

	mu    sync.Mutex
	cur   *screen.Screen
	curAt time.Time // when cur was handed to Show
	pid   int
	state string
}

// New returns a Proc; nothing starts until Run.
func New(cfg Config, log zerolog.Logger) *Proc {
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 250 * time.Millisecond
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(cfg.MinBackoff, 10*time.Second)
	}
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}
	return &Proc{
		cfg:    cfg,
		log:    log.With().Str("component", "screenproc").Logger(),
		wake:   make(chan struct{}, 1),
		inputs: make(chan screen.FromDisplay, 16),
	}
}

// Show makes s the current screen and sends it as soon as tgscreen is up.
// It never blocks; only the latest screen is kept.
func (p *Proc) Show(s screen.Screen) {
	p.mu.Lock()
	p.cur, p.curAt = &s, time.Now()
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Inputs delivers the customer's touches, clicks and keys. If nobody reads
// it, inputs beyond its buffer are dropped (and logged), never blocking
// tgscreen.
func (p *Proc) Inputs() <-chan screen.FromDisplay { return p.inputs }

// Run starts tgscreen and keeps it running until ctx ends; it then closes
// tgscreen's input (tgscreen exits cleanly) and returns nil.
func (p *Proc) Run(ctx context.Context) error {
	backoff := p.cfg.MinBackoff
	for {
		started := time.Now()
		err := p.runOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		p.setState(StateDown)
		if time.Since(started) > time.Minute {
			backoff = p.cfg.MinBackoff
		}
		p.log.Warn().Err(err).Dur("retry_in", backoff).Msg("screen process ended")
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, p.cfg.MaxBackoff)
	}
}

func (p *Proc) setState(s string) {
	p.mu.Lock()
	changed := p.state != s
	p.state = s
	p.mu.Unlock()
	if !changed {
		return
	}
	p.log.Info().Str("state", s).Msg("screen process state")
	if p.cfg.OnState != nil {
		p.cfg.OnState(s)
	}
}

// current returns the latest screen, or nil.
// The countdown it carries is shortened by the time since Show, so a
// tgscreen restarted mid-countdown shows what is really left, not a fresh
// cooling-off the agent is no longer enforcing.
func (p *Proc) current() *screen.Screen {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur == nil || p.cur.CountdownMS == 0 {
		return p.cur
	}
	s := *p.cur
	s.CountdownMS = max(0, s.CountdownMS-time.Since(p.curAt).Milliseconds())
	return &s
}

// runOnce runs one tgscreen until it exits or ctx ends.
func (p *Proc) runOnce(ctx context.Context) error {
	cmd := exec.Command(p.cfg.Binary, p.cfg.Args...)
	cmd.Env = append(os.Environ(), p.cfg.Env...)
	cmd.Stderr = p.cfg.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("screenproc: stdin pipe: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("screenproc: stdout pipe: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("screenproc: start %q: %w", p.cfg.Binary, err)
	}
	p.mu.Lock()
	p.pid = cmd.Process.Pid
	p.mu.Unlock()
	p.log.Info().Int("pid", cmd.Process.Pid).Msg("screen process started")

	ready := make(chan struct{}, 1)
	readDone := make(chan error, 1)
	go func() { readDone <- p.readLoop(stdout, ready) }()
	werr := p.writeLoop(ctx, stdin, ready, readDone)
	stdin.Close() // tgscreen exits when its input ends
	rerr := waitOrKill(cmd, readDone, 3*time.Second)
	return errors.Join(werr, rerr)
}

// writeLoop sends the current screen on ready and on every Show, until
// tgscreen's output ends or ctx is cancelled.
func (p *Proc) writeLoop(ctx context.Context, w io.Writer, ready <-chan struct{}, readDone chan error) error {
	up := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-readDone:
			readDone <- err // waitOrKill needs it too
			return nil
		case <-ready:
			up = true
			p.setState(StateUp)
		case <-p.wake:
		}
		if s := p.current(); up && s != nil {
			if err := writeShow(w, *s); err != nil {
				return err
			}
			p.log.Debug().Uint64("seq", s.Seq).Str("screen", string(s.Name)).Msg("screen sent")
		}
	}
}

// waitOrKill waits for tgscreen to exit after its input closed, killing it
// if it takes longer than grace.
func waitOrKill(cmd *exec.Cmd, readDone <-chan error, grace time.Duration) error {
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case <-readDone:
	case <-timer.C:
		_ = cmd.Process.Kill() // it did not exit on EOF; Wait reports why
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("screenproc: tgscreen: %w", err)
	}
	return errors.New("screenproc: tgscreen exited")
}
