package main

import (
	"context"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/drivers/mqttlink"
)

// newDisplay returns the core's display, the inputs coming back from the
// screen, a channel that asks the core to resend its screen, and the
// screen process's run function (nil with --ui none).
func newDisplay(o *options, link *mqttlink.Link, log zerolog.Logger) (displayT, <-chan screen.FromDisplay, <-chan struct{}, func(context.Context) error) {
	link.SetUI("off")
	return logDisplay{log: log.With().Str("component", "display").Logger()}, nil, nil, nil
}

type displayT = logDisplay
