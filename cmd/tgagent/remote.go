package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/remote"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/terminal"
	"github.com/transferguard/transferguard/drivers/mqttlink"
)

// openRemote loads the trusted keys and the signed documents applied
// before, so they are in force before the broker is reachable.
func openRemote(o *options, store remote.Store, log zerolog.Logger) (*remote.Remote, error) {
	ring, err := loadTrust(o.TrustKeys)
	if err != nil {
		return nil, usagef("%w", err)
	}
	rem, err := remote.New(remote.Options{
		Keys: ring, Site: o.Site, Terminal: o.Terminal, Local: o.Policy,
		Store: store, Clock: clock.Real{}, Log: log,
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

// logDisplay records every screen decision in the log: with --ui none it is
// the only display, and with a window it keeps the audit trail in the log.
type logDisplay struct{ log zerolog.Logger }

func (d logDisplay) Show(s screen.Screen) {
	d.log.Debug().Str("screen", string(s.Name)).Str("session", s.SID).Str("lang", s.Lang).Uint64("seq", s.Seq).Msg("screen decided")
}
