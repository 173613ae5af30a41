package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/remote"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/terminal"
	"github.com/transferguard/transferguard/drivers/broker"
	"github.com/transferguard/transferguard/drivers/docstore"
	"github.com/transferguard/transferguard/drivers/mqttlink"
	"github.com/transferguard/transferguard/drivers/outbox"
	"github.com/transferguard/transferguard/drivers/serialport"
)

// run wires the adapters around the core and runs until ctx ends. Every
// goroutine it starts has stopped when it returns.
func run(ctx context.Context, o *options, log zerolog.Logger) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sp := serialport.Config{
		Path: o.serial.Path, Baud: o.serial.Baud, DataBits: o.serial.DataBits, Parity: o.serial.Parity, StopBits: o.serial.StopBits,
		AckWhenProcessed: ackBound,
	}
	if err := sp.Validate(); err != nil {
		return usagef("serial: %w", err)
	}
	if err := os.MkdirAll(o.stateDir, 0o700); err != nil {
		return usagef("state dir: %w", err)
	}
	rem, err := openRemote(o, log)
	if err != nil {
		return err
	}
	ob, err := outbox.Open(filepath.Join(o.stateDir, "outbox.db"), outbox.Options{}, log)
	if err != nil {
		return fmt.Errorf("open outbox: %w", err)
	}
	defer ob.Close()

	brokerURL := o.broker.URL
	if brokerURL == "embedded" {
		b, err := broker.Start(context.WithoutCancel(ctx), "", log) // closed after the link said goodbye
		if err != nil {
			return fmt.Errorf("embedded broker: %w", err)
		}
		defer b.Close()
		brokerURL = b.URL()
	}
	link, err := mqttlink.New(mqttlink.Config{
		Broker: brokerURL, ClientID: o.broker.ClientID, Site: o.site, Terminal: o.terminal,
		Username: o.broker.Username, Password: o.broker.Password,
		CAFile: o.broker.CAFile, CertFile: o.broker.CertFile, KeyFile: o.broker.KeyFile,
		AgentVersion: version(),
	}, ob, log)
	if err != nil {
		return usagef("broker: %w", err)
	}
	publishState(link, rem, log)

	port := serialport.New(sp, log)
	frames := make(chan frame.Frame, 1)
	updates := make(chan terminal.Update, 4)
	display, inputs, shown, uiRun := newDisplay(o, link, log)
	term := terminal.New(terminal.Options{
		Site: o.site, Terminal: o.terminal, Policy: rem.Policy(), Watchlist: rem.Watchlist(),
		Clock: clock.Real{}, Controller: port, Display: display, Publisher: ob, Status: link, Log: log,
	})
	// ops: metrics (CONTRACT §11) — one call; hooks port and outbox before they run.
	waitMetrics, err := startMetrics(ctx, o.metrics, observed{port: port, outbox: ob, link: link, remote: rem}, log)
	if err != nil {
		return err
	}
	defer waitMetrics()
	log.Info().Str("agent", version()).Str("boot", link.Boot()).Str("serial", o.serial.Path).Str("broker", brokerURL).Str("ui", o.ui).Msg("agent started")

	var wg sync.WaitGroup
	errs := make(chan error, 4)
	goRun := func(name string, f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil && !errors.Is(err, context.Canceled) {
				errs <- fmt.Errorf("%s: %w", name, err)
				cancel()
			}
		}()
	}
	goRun("serial", func() error { return port.Run(ctx, frames) })
	goRun("mqtt", func() error { return link.Run(ctx) })
	goRun("config", func() error { return applyDocuments(ctx, link, rem, updates, log) })
	if uiRun != nil {
		goRun("screen", func() error { return uiRun(ctx) })
	}
	// ops: systemd readiness and a watchdog fed by the core loop — one call.
	defer startServiceHooks(ctx, term, log)()
	err = term.Run(ctx, terminal.Inputs{
		Frames: frames, Display: inputs, Dispatch: link.Dispatch(), Updates: updates, Shown: shown,
		FrameDone: port.Processed,
	})
	cancel()
	wg.Wait()
	close(errs)
	if err != nil {
		return err
	}
	for e := range errs {
		return e
	}
	log.Info().Int("outbox_depth", ob.Depth()).Msg("agent stopped cleanly")
	return nil
}

// ackBound is how long a frame's ACK waits for the core and the outbox's
// fsync (about 1 ms measured) before it goes anyway: well inside the 50 ms
// the contract allows for an answer.
const ackBound = 40 * time.Millisecond

// openRemote loads the trusted keys and the signed documents applied
// before, so they are in force before the broker is reachable.
func openRemote(o *options, log zerolog.Logger) (*remote.Remote, error) {
	ring, err := loadTrust(o.trustKeys)
	if err != nil {
		return nil, usagef("%w", err)
	}
	store, err := docstore.Open(filepath.Join(o.stateDir, "applied"))
	if err != nil {
		return nil, usagef("state dir: %w", err)
	}
	rem, err := remote.New(remote.Options{
		Keys: ring, Site: o.site, Terminal: o.terminal, Local: o.file.Policy,
		Store: store, Now: clock.Real{}.Now, Log: log,
	})
	if err != nil {
		return nil, usagef("configuration: %w", err)
	}
	if _, rejected, err := rem.Load(); err != nil {
		return nil, fmt.Errorf("load applied documents: %w", err)
	} else {
		for _, r := range rejected {
			log.Error().Str("reason", string(r.Reason)).Str("text", r.Text).Msg("stored document no longer accepted; running without it")
		}
	}
	return rem, nil
}

func loadTrust(paths []string) (*dsse.KeyRing, error) {
	var keys []ed25519.PublicKey
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("trust key: %w", err)
		}
		ks, err := dsse.ParsePublicKeys(b)
		if err != nil {
			return nil, fmt.Errorf("trust key %s: %w", p, err)
		}
		keys = append(keys, ks...)
	}
	return dsse.NewKeyRing(keys...)
}

// applyDocuments offers every signed document the broker delivers to the
// remote configuration and hands what is accepted to the core.
func applyDocuments(ctx context.Context, link *mqttlink.Link, rem *remote.Remote, out chan<- terminal.Update, log zerolog.Logger) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case d := <-link.Documents():
			res, err := rem.Offer(d.Topic, d.Payload)
			if err == nil && !res.Unchanged && res.Policy != nil {
				log.Info().Str("kind", res.Kind).Str("scope", res.Scope).Int64("version", res.Version).Msg("signed document applied")
				select {
				case out <- terminal.Update{Policy: res.Policy, Watchlist: res.Watchlist}:
				case <-ctx.Done():
					return nil
				}
			}
			publishState(link, rem, log)
		}
	}
}

func publishState(link *mqttlink.Link, rem *remote.Remote, log zerolog.Logger) {
	b, err := rem.State()
	if err != nil {
		log.Error().Err(err).Msg("config state")
		return
	}
	link.SetConfigState(b)
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// logDisplay records every screen decision in the log: with --ui none it is
// the only display, and with a window it keeps the audit trail in the log.
type logDisplay struct{ log zerolog.Logger }

func (d logDisplay) Show(s screen.Screen) {
	d.log.Debug().Str("screen", string(s.Name)).Str("session", s.SID).Str("lang", s.Lang).Uint64("seq", s.Seq).Msg("screen decided")
}
