package main

import (
	"context"
	"net"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/drivers/screenproc"
	"github.com/transferguard/transferguard/internal/ctxtime"
	"github.com/transferguard/transferguard/ui/pipe"
	"github.com/transferguard/transferguard/ui/samples"
	"github.com/transferguard/transferguard/ui/screens"
)

// With --connect, tgscreen is started by the kiosk's logon, not by the
// agent, and connects to tgagent --ui listen (docs/windows.md,
// docs/linux-service.md). It keeps its window whatever the agent does:
// while there is no connection it shows the standby screen, and it dials
// again with backoff.
const (
	minRetry = 250 * time.Millisecond
	maxRetry = 5 * time.Second
	// stableLink is how long a connection must last for the backoff to
	// start again from minRetry; a refused screen is closed at once.
	stableLink = 10 * time.Second
	// writeWait bounds one write to the agent, so the drawing loop never
	// waits on a stuck connection.
	writeWait = 2 * time.Second
	// standbySeq marks tgscreen's own standby screen: the agent's seqs
	// start at 1, so it is never taken for one of the agent's decisions.
	standbySeq = 0
)

// runConnected keeps tgscreen connected to the agent until ctx ends.
func runConnected(ctx context.Context, o options, g *screens.Game, link *agentLink, log zerolog.Logger) {
	a, _ := screenproc.ParseAddr(o.connect) // checked by parseFlags
	standby := builtinStandby(o.lang, log)
	g.Show(standby)
	backoff, lastErr := minRetry, ""
	for ctx.Err() == nil {
		conn, err := dialAgent(ctx, a, o.tokenFile)
		if err != nil {
			if err.Error() != lastErr { // log changes, not every attempt
				log.Warn().Err(err).Dur("retry_in", backoff).Msg("agent not reachable; showing standby")
				lastErr = err.Error()
			}
		} else {
			lastErr = ""
			started := time.Now()
			standby = serveAgent(ctx, conn, g, link, standby, log.With().Str("agent", a.String()).Logger())
			if time.Since(started) > stableLink {
				backoff = minRetry
			}
		}
		ctxtime.Sleep(ctx, backoff) // the loop's condition sees a cancel
		backoff = min(2*backoff, maxRetry)
	}
}

// serveAgent shows the agent's screens from conn until it ends, then the
// standby screen. It returns the standby to show next time: the agent's
// own standby (its configured texts) once it has sent one.
func serveAgent(ctx context.Context, conn net.Conn, g *screens.Game, link *agentLink, standby screen.Screen, log zerolog.Logger) screen.Screen {
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	log.Info().Msg("connected to the agent")
	link.attach(conn)
	err := pipe.Read(conn, func(s screen.Screen) {
		if s.Name == wire.ScreenStandby {
			standby = ownStandby(s)
		}
		g.Show(s)
	}, log)
	link.detach()
	conn.Close()
	g.Show(standby)
	if ctx.Err() == nil {
		log.Warn().Err(err).Msg("agent connection lost; showing standby")
	}
	return standby
}

// dialAgent connects, with the token file read afresh (the agent makes a
// new token at every start).
func dialAgent(ctx context.Context, a screenproc.Addr, tokenFile string) (net.Conn, error) {
	var tok string
	if tokenFile != "" {
		t, err := screenproc.ReadToken(tokenFile)
		if err != nil {
			return nil, err
		}
		tok = t
	}
	return screenproc.Dial(ctx, a, tok)
}

// builtinStandby is the shipped standby screen in lang (zh if lang has
// none), shown until the agent sends its own.
func builtinStandby(lang string, log zerolog.Logger) screen.Screen {
	s, err := samples.Get(wire.ScreenStandby, lang)
	if err != nil {
		log.Warn().Err(err).Str("lang", lang).Msg("no built-in standby in this language; using zh")
		s, _ = samples.Get(wire.ScreenStandby, "zh")
	}
	return ownStandby(s)
}

// ownStandby is s as tgscreen shows it on its own: seq 0, no countdown,
// no voice (it is not a decision of the agent).
func ownStandby(s screen.Screen) screen.Screen {
	s.Seq, s.CountdownMS, s.Voice = standbySeq, 0, ""
	return s
}

// agentLink is the screens.Reporter of a tgscreen that connected to the
// agent: it writes to the current connection and drops what happens while
// there is none. It never ends the game: the connection comes back.
type agentLink struct {
	log zerolog.Logger

	mu       sync.Mutex
	conn     net.Conn
	w        *pipe.Writer
	windowUp bool
}

// attach makes conn the connection to report on; a window already up says
// ready at once, so the agent sends its current screen.
func (a *agentLink) attach(conn net.Conn) {
	a.mu.Lock()
	a.conn, a.w = conn, pipe.NewWriter(deadlineWriter{conn})
	w, up := a.w, a.windowUp
	a.mu.Unlock()
	if up {
		a.send(w, (*pipe.Writer).Ready)
	}
}

func (a *agentLink) detach() {
	a.mu.Lock()
	a.conn, a.w = nil, nil
	a.mu.Unlock()
}

func (a *agentLink) writer() *pipe.Writer {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.w
}

// Ready: the window is up; tell the agent if one is connected.
func (a *agentLink) Ready() error {
	a.mu.Lock()
	a.windowUp = true
	w := a.w
	a.mu.Unlock()
	a.send(w, (*pipe.Writer).Ready)
	return nil
}

// Input reports a touch, click or key to the agent, if connected.
func (a *agentLink) Input(source, key, choice string, seq uint64) error {
	a.send(a.writer(), func(w *pipe.Writer) error { return w.Input(source, key, choice, seq) })
	return nil
}

// Shown reports a screen of the agent drawn; tgscreen's own standby is not
// one.
func (a *agentLink) Shown(seq uint64) error {
	if seq != standbySeq {
		a.send(a.writer(), func(w *pipe.Writer) error { return w.Shown(seq) })
	}
	return nil
}

// send writes with w; a failed write closes the connection, so the reader
// ends and tgscreen dials again.
func (a *agentLink) send(w *pipe.Writer, write func(*pipe.Writer) error) {
	if w == nil {
		return
	}
	if err := write(w); err != nil {
		a.log.Warn().Err(err).Msg("write to the agent failed; reconnecting")
		a.mu.Lock()
		if a.w == w {
			a.conn.Close()
		}
		a.mu.Unlock()
	}
}

// deadlineWriter bounds every write to the agent by writeWait.
type deadlineWriter struct{ c net.Conn }

func (d deadlineWriter) Write(p []byte) (int, error) {
	_ = d.c.SetWriteDeadline(time.Now().Add(writeWait))
	return d.c.Write(p)
}
