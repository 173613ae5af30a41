// Package screenproc is the agent's side of the screen process: it starts
// tgscreen, sends it the current screen, reads touches, clicks and keys
// back, and restarts it with backoff when it dies. tgscreen links Ebiten,
// which exits the process when the X server goes away; keeping it in its
// own process is what lets the agent keep answering the serial line and
// publishing alerts whatever happens to the display.
//
// When tgscreen cannot be the agent's child — a Windows service runs in
// session 0, a systemd system service does not own the kiosk's graphical
// session — the kiosk's logon starts it and it connects to the agent
// instead: Listener waits on a unix socket or a loopback TCP port, and
// Dial is tgscreen's side of that. Towards the core both behave the same.
//
// This package never imports Ebiten: it only speaks the line protocol of
// agent/screen (docs/screen-protocol.md), over tgscreen's stdin and stdout
// or over the connection; the codec and the session are shared.
package screenproc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/rs/zerolog"
	"github.com/transferguard/transferguard/internal/ctxtime"
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
	*hub
	cfg Config
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
	return &Proc{hub: newHub(log, cfg.OnState, cfg.OnShown), cfg: cfg}
}

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
		if !ctxtime.Sleep(ctx, backoff) {
			return nil
		}
		backoff = min(2*backoff, p.cfg.MaxBackoff)
	}
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

	readDone, werr := p.session(ctx, newScanner(stdout), stdin)
	stdin.Close() // tgscreen exits when its input ends
	rerr := waitOrKill(cmd, readDone, 3*time.Second)
	return errors.Join(werr, rerr)
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
