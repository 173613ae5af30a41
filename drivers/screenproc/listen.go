package screenproc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/transferguard/transferguard/internal/ctxtime"
)

// ListenConfig says where the agent waits for its screen when tgscreen is
// started by someone else (the kiosk's logon), not by the agent: a Windows
// service in session 0, or a systemd system service whose user does not
// own the graphical session.
//
// # Trust model
//
// A screen may show anything to the customer and send touches and keys to
// the core, so only the kiosk's screen may connect:
//   - unix socket: the operating system checks it. The socket is mode 0660,
//     owned by the agent's user and Group; connect(2) needs write
//     permission, so only those two (and root) get through.
//   - loopback TCP (Windows): any local process can connect, so the first
//     line must be a hello carrying a token of 32 random bytes, made fresh
//     at every start and written to TokenFile, which only the agent,
//     administrators and Group can read. A wrong or missing token closes
//     the connection with a log line.
//
// One screen at a time: a second one is refused (and logged) while the
// first is connected.
type ListenConfig struct {
	Addr Addr
	// Group may connect: a unix group for the socket and the token file
	// on Unix; an account or group that may read the token file on
	// Windows. "": the agent's own group (Unix), the Interactive group
	// (Windows).
	Group string
	// TokenFile is where a TCP listener writes its token (required for
	// tcp, unused for unix).
	TokenFile string
	// OnState and OnShown are as in Config.
	OnState func(state string)
	OnShown func(seq uint64)
}

// Listener is the agent's side of a screen that connects to it. Show and
// Inputs may be used from any goroutine; Run is called once. Towards the
// core it behaves exactly as a Proc: ui is down until a screen says ready,
// down again when it disconnects, and the current screen (countdown
// shortened) is sent on every ready.
type Listener struct {
	*hub
	cfg   ListenConfig
	ln    net.Listener
	token string // "" on a unix socket
	// slot guards busy (a screen holds the single slot). The state change
	// to down and the release happen under it together, so a screen that
	// connects once ui is down always finds the slot free.
	slot sync.Mutex
	busy bool
}

// Listen opens the endpoint (and writes the token file for TCP) now, so a
// bad address or a permission problem stops the agent at start-up.
func Listen(cfg ListenConfig, log zerolog.Logger) (*Listener, error) {
	l := &Listener{hub: newHub(log, cfg.OnState, cfg.OnShown), cfg: cfg}
	switch cfg.Addr.Network {
	case "unix":
		ln, err := listenUnix(cfg.Addr.Address, cfg.Group)
		if err != nil {
			return nil, err
		}
		l.ln = ln
	case "tcp":
		if err := l.listenTCP(); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("screenproc: listen: network %q is not unix or tcp", cfg.Addr.Network)
	}
	l.log.Info().Str("addr", l.Addr().String()).Str("group", cfg.Group).Msg("waiting for the screen to connect")
	return l, nil
}

func (l *Listener) listenTCP() error {
	if l.cfg.TokenFile == "" {
		return errors.New("screenproc: listen on tcp needs a token file")
	}
	tok, err := newToken()
	if err != nil {
		return err
	}
	if err := writeToken(l.cfg.TokenFile, tok, l.cfg.Group); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", l.cfg.Addr.Address)
	if err != nil {
		return fmt.Errorf("screenproc: listen %s: %w", l.cfg.Addr, err)
	}
	l.ln, l.token = ln, tok
	return nil
}

// Addr is the endpoint listened on (with the port chosen, for tcp port 0).
func (l *Listener) Addr() Addr {
	if l.cfg.Addr.Network == "tcp" {
		return Addr{Network: "tcp", Address: l.ln.Addr().String()}
	}
	return l.cfg.Addr
}

// Run accepts screens until ctx ends, then closes the endpoint (removing
// the socket file), disconnects the screen and returns nil once every
// connection's goroutines have stopped.
func (l *Listener) Run(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() { l.ln.Close() })
	defer stop()
	defer l.ln.Close()
	var wg sync.WaitGroup
	defer wg.Wait()
	conns := make(chan struct{}, maxConns)
	pause := 10 * time.Millisecond
	for {
		c, err := l.ln.Accept()
		if ctx.Err() != nil {
			if c != nil {
				c.Close()
			}
			return nil
		}
		if err != nil { // e.g. out of file descriptors: never fatal to the agent
			l.log.Warn().Err(err).Msg("screen accept failed")
			if !ctxtime.Sleep(ctx, pause) {
				return nil
			}
			pause = min(2*pause, time.Second)
			continue
		}
		pause = 10 * time.Millisecond
		select {
		case conns <- struct{}{}:
		default: // a local process opening connections without end
			l.log.Warn().Int("max", maxConns).Msg("screen refused: too many connections waiting")
			c.Close()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-conns }()
			l.serve(ctx, c)
		}()
	}
}

// maxConns bounds the connections served at once: the one screen and
// the ones still owing their hello (each dropped after helloTimeout), so
// a local process cannot make the agent hold connections without end.
const maxConns = 8

// serve authenticates one connection, takes the single screen slot, and
// speaks the protocol until either side goes.
func (l *Listener) serve(ctx context.Context, c net.Conn) {
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	log := l.log.With().Str("peer", peerOf(c)).Logger()
	sc := newScanner(c)
	if l.token != "" {
		_ = c.SetReadDeadline(time.Now().Add(helloTimeout))
		if err := checkHello(sc, l.token); err != nil {
			log.Warn().Err(err).Msg("screen refused: no valid token")
			return
		}
		_ = c.SetReadDeadline(time.Time{})
	}
	if !l.take() {
		log.Warn().Msg("screen refused: another screen is connected")
		return
	}
	log.Info().Msg("screen connected")
	readDone, werr := l.session(ctx, sc, c)
	c.Close()
	rerr := <-readDone
	l.release(ctx.Err() == nil)
	if ctx.Err() == nil {
		log.Warn().Err(errors.Join(werr, rerr)).Msg("screen disconnected")
	}
}

// take claims the single screen slot; false when a screen holds it.
func (l *Listener) take() bool {
	l.slot.Lock()
	defer l.slot.Unlock()
	if l.busy {
		return false
	}
	l.busy = true
	return true
}

// release frees the slot, marking ui down first when down is set.
func (l *Listener) release(down bool) {
	l.slot.Lock()
	defer l.slot.Unlock()
	if down {
		l.setState(StateDown)
	}
	l.busy = false
}
