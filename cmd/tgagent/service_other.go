//go:build !windows

package main

import (
	"context"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/drivers/sdnotify"
)

// loop is the core's main loop as the service manager watches it.
type loop interface{ Turns() uint64 }

// startServiceHooks tells systemd (Type=notify) that the agent is ready,
// and feeds WatchdogSec= only while the core's loop turns (Terminal.Turns):
// a loop stuck in a handler stops the pings and systemd restarts the agent.
// Outside systemd it does nothing. stop sends STOPPING=1 and waits for the
// watchdog goroutine; call it once, before run returns.
func startServiceHooks(ctx context.Context, core loop, log zerolog.Logger) (stop func()) {
	n := sdnotify.FromEnv()
	if !n.Enabled() {
		return func() {}
	}
	log = log.With().Str("component", "systemd").Logger()
	if err := n.Notify("READY=1"); err != nil {
		log.Warn().Err(err).Msg("readiness not sent")
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	if every, ok := sdnotify.WatchdogInterval(); ok {
		log.Info().Dur("watchdog", every).Msg("feeding the systemd watchdog from the core loop")
		wg.Go(func() {
			tick := time.NewTicker(every / 3)
			defer tick.Stop()
			sdnotify.Watchdog(ctx, n, tick.C, core.Turns, func(err error) { log.Warn().Err(err).Msg("watchdog ping failed") })
		})
	}
	return func() {
		_ = n.Notify("STOPPING=1")
		cancel()
		wg.Wait()
	}
}
