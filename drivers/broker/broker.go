// Package broker runs an MQTT broker inside tgagent for demos and tests
// (`--broker embedded`), so the whole system works on one machine with no
// broker installed. It is mochi-mqtt v2 with one TCP listener.
//
// # Trust model
//
// Every client is allowed to connect, publish and subscribe: anyone who
// can reach the port can forge signed-document topics (they would still
// fail signature checks) and read alerts. Bind it to loopback only; a
// production deployment uses the bank's broker with TLS and passwords.
package broker

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/auth"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/rs/zerolog"
)

// DefaultAddr is where the embedded broker listens unless told otherwise.
const DefaultAddr = "127.0.0.1:1883"

// Broker is a running embedded broker.
type Broker struct {
	srv  *mqtt.Server
	tcp  *listeners.TCP
	log  zerolog.Logger
	once sync.Once
	done chan struct{}
}

// Start listens on addr ("" means DefaultAddr) and serves until Close or
// until ctx ends. The port is bound before Start returns, so a client may
// connect at once; a port in use is an error.
func Start(ctx context.Context, addr string, log zerolog.Logger) (*Broker, error) {
	if addr == "" {
		addr = DefaultAddr
	}
	log = log.With().Str("component", "broker").Logger()
	// mochi logs through slog; route it to zerolog at warn and above.
	slogger := slog.New(zerolog.NewSlogHandler(log.Level(max(log.GetLevel(), zerolog.WarnLevel))))
	srv := mqtt.New(&mqtt.Options{Logger: slogger})
	if err := srv.AddHook(new(auth.AllowHook), nil); err != nil {
		return nil, fmt.Errorf("broker: auth hook: %w", err)
	}
	tcp := listeners.NewTCP(listeners.Config{ID: "tcp", Address: addr})
	if err := srv.AddListener(tcp); err != nil {
		return nil, fmt.Errorf("broker: listen %s: %w", addr, err)
	}
	if err := srv.Serve(); err != nil {
		_ = srv.Close()
		return nil, fmt.Errorf("broker: serve: %w", err)
	}
	b := &Broker{srv: srv, tcp: tcp, log: log, done: make(chan struct{})}
	log.Info().Str("addr", tcp.Address()).Msg("embedded broker listening")
	go func() {
		select {
		case <-ctx.Done():
			_ = b.Close()
		case <-b.done:
		}
	}()
	return b, nil
}

// Addr is the listening address (host:port), useful when addr had port 0.
func (b *Broker) Addr() string { return b.tcp.Address() }

// URL is the address in the form mqttlink takes: tcp://host:port.
func (b *Broker) URL() string { return "tcp://" + b.Addr() }

// Close disconnects every client and stops listening; it is safe to call
// more than once.
func (b *Broker) Close() error {
	var err error
	b.once.Do(func() {
		close(b.done)
		err = b.srv.Close()
		b.log.Info().Msg("embedded broker stopped")
	})
	if err != nil {
		return fmt.Errorf("broker: close: %w", err)
	}
	return nil
}
