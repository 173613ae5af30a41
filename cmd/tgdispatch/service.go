package main

import (
	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/drivers/sdnotify"
)

// notifyReady tells systemd (Type=notify) that the console listens and the
// broker client is set up; the returned func says STOPPING=1. Outside
// systemd both do nothing. tgdispatch has no watchdog: its /healthz is for
// monitors and load balancers.
func notifyReady(log zerolog.Logger) (stopping func()) {
	n := sdnotify.FromEnv()
	if err := n.Notify("READY=1"); err != nil {
		log.Warn().Err(err).Msg("systemd readiness not sent")
	}
	return func() { _ = n.Notify("STOPPING=1") }
}
