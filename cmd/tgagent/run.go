package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/dispatchauth"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/remote"
	"github.com/transferguard/transferguard/agent/terminal"
	"github.com/transferguard/transferguard/drivers/broker"
	"github.com/transferguard/transferguard/drivers/mqttlink"
	"github.com/transferguard/transferguard/drivers/serialport"
)

// ackBound is how long a frame's ACK waits for the core and the outbox's
// fsync (about 1 ms measured) before it goes anyway: well inside the 50 ms
// the contract allows for an answer.
const ackBound = 40 * time.Millisecond

// parts are the adapters wired around the core for one run.
type parts struct {
	port    *serialport.Port
	link    *mqttlink.Link
	rem     *remote.Remote
	term    *terminal.Terminal
	display display
	gate    *dispatchauth.Gate // signed dispatch only
	state   *stateDir
	log     zerolog.Logger
}

// run wires the adapters around the core and runs until ctx ends. Every
// goroutine it starts has stopped when it returns.
func run(ctx context.Context, o *options, log zerolog.Logger) error {
	sp := o.Serial
	sp.AckWhenProcessed = ackBound
	if err := sp.Validate(); err != nil {
		return usagef("serial: %w", err)
	}
	st, err := openState(o.StateDir, log)
	if err != nil {
		return err
	}
	defer st.Close()
	rem, err := openRemote(o, st.docs, log)
	if err != nil {
		return err
	}
	brokerURL, stopBroker, err := startBroker(ctx, o.Broker.Broker, log)
	if err != nil {
		return err
	}
	defer stopBroker() // after the link said goodbye
	p, err := assemble(o, sp, brokerURL, st, rem, log)
	if err != nil {
		return err
	}
	// Metrics (CONTRACT §11) hook the port and the outbox before they run.
	waitMetrics, err := startMetrics(ctx, o.Metrics, observed{port: p.port, outbox: st.outbox, link: p.link, remote: rem}, log)
	if err != nil {
		return err
	}
	defer waitMetrics()
	// systemd readiness, and a watchdog fed by the core loop's turns.
	defer startServiceHooks(ctx, p.term, log)()
	log.Info().Str("agent", version()).Str("boot", p.link.Boot()).Str("serial", sp.Path).
		Str("broker", brokerURL).Str("ui", o.UI).Str("storage", st.outbox.Storage()).Msg("agent started")
	return p.serve(ctx)
}

// startBroker resolves "embedded" to a broker started in this process;
// any other URL is returned as it is, with a no-op stop.
func startBroker(ctx context.Context, url string, log zerolog.Logger) (string, func(), error) {
	if url != "embedded" {
		return url, func() {}, nil
	}
	b, err := broker.Start(context.WithoutCancel(ctx), "", log)
	if err != nil {
		return "", nil, fmt.Errorf("embedded broker: %w", err)
	}
	return b.URL(), func() { b.Close() }, nil
}

// assemble builds the link, the port, the display and the core.
func assemble(o *options, sp serialport.Config, brokerURL string, st *stateDir, rem *remote.Remote, log zerolog.Logger) (*parts, error) {
	mc := o.Broker
	mc.Broker, mc.Site, mc.Terminal, mc.AgentVersion = brokerURL, o.Site, o.Terminal, version()
	link, err := mqttlink.New(mc, st.outbox, log)
	if err != nil {
		return nil, usagef("broker: %w", err)
	}
	publishState(link, rem, log)
	gate, err := newDispatchGate(o, log)
	if err != nil {
		return nil, err
	}
	p := &parts{port: serialport.New(sp, log), link: link, rem: rem, gate: gate, state: st, log: log}
	if p.display, err = newDisplay(o, link, log); err != nil {
		return nil, err
	}
	p.term = terminal.New(terminal.Options{
		Site: o.Site, Terminal: o.Terminal, Policy: rem.Policy(), Watchlist: rem.Watchlist(),
		History: st.history, HistoryKey: st.history.Key(),
		Clock: clock.Real{}, Controller: p.port, Display: p.display.show, Publisher: st.outbox, Status: link, Log: log,
		Sessions: openSessions(o.StateDir, log), Boot: link.Boot(),
	})
	return p, nil
}

// serve runs everything until ctx ends or an adapter fails, then stops in
// the order that loses nothing: the serial link first (no new frame is
// taken, none is ACKed unless acted on), then the core once it has finished
// the frame it took, then the MQTT link and the rest; the caller closes
// the outbox last.
func (p *parts) serve(ctx context.Context) error {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	coreCtx, stopCore := context.WithCancel(context.WithoutCancel(ctx))
	defer stopCore()
	restCtx, stopRest := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRest()
	g := &group{cancel: cancel}

	// Unbuffered: once the port's send returns, the core holds the frame
	// and acts on it before it looks at its context again.
	frames := make(chan frame.Frame)
	updates := make(chan terminal.Update, 4)
	serialDone := g.start("serial", func() error { return p.port.Run(runCtx, frames) })
	go func() { <-serialDone; stopCore() }()
	g.start("mqtt", func() error { return p.link.Run(restCtx) })
	g.start("config", func() error { return applyDocuments(restCtx, p.link, p.rem, updates, p.log) })
	dispatch := make(chan envelope.Dispatch, 4)
	g.start("dispatch", func() error { return p.gate.Run(restCtx, p.link.Dispatch(), dispatch) })
	if p.display.run != nil {
		g.start("screen", func() error { return p.display.run(restCtx) })
	}
	err := p.term.Run(coreCtx, terminal.Inputs{
		Frames: frames, Display: p.display.inputs, Dispatch: dispatch, Updates: updates,
		Shown: p.display.shown, FrameDone: p.port.Processed,
	})
	cancel()
	<-serialDone
	stopRest()
	if err = errors.Join(err, g.wait()); err != nil {
		return err
	}
	p.log.Info().Int("outbox_depth", p.state.outbox.Depth()).Msg("agent stopped cleanly")
	return nil
}

// group runs named goroutines, collects every error they return (context
// cancellation is not an error) and cancels the run at the first.
type group struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	errs   []error
}

// start runs f; the returned channel is closed when f has returned.
func (g *group) start(name string, f func() error) <-chan struct{} {
	done := make(chan struct{})
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		defer close(done)
		if err := f(); err != nil && !errors.Is(err, context.Canceled) {
			g.mu.Lock()
			g.errs = append(g.errs, fmt.Errorf("%s: %w", name, err))
			g.mu.Unlock()
			g.cancel()
		}
	}()
	return done
}

// wait waits for every goroutine and returns all their errors joined.
func (g *group) wait() error {
	g.wg.Wait()
	g.mu.Lock()
	defer g.mu.Unlock()
	return errors.Join(g.errs...)
}
