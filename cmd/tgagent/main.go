// Command tgagent is the transferguard terminal agent: it reads the
// controller's serial link, decides warnings and alerts, publishes them over
// MQTT through a durable outbox, applies signed configuration, and — with
// --ui window|fullscreen — starts and supervises the tgscreen process. It
// never links a display library, so it runs on a terminal with no X at all.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
)

// exitUsage is the exit code for bad flags or an unusable configuration.
const exitUsage = 2

func main() {
	opts, err := parseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, errHelp) {
			os.Exit(0)
		}
		fmt.Fprintf(os.Stderr, "tgagent: %v\n", err)
		os.Exit(exitUsage)
	}
	level, _ := zerolog.ParseLevel(opts.LogLevel)
	zerolog.TimeFieldFormat = zerolog.TimeFormatUnixMs
	log := zerolog.New(os.Stderr).Level(level).Hook(newRepeatSampler(clock.Real{})).
		With().Timestamp().Str("site", opts.Site).Str("terminal", opts.Terminal).Logger()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, opts, log); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(os.Stderr, "tgagent: %v\n", err)
			os.Exit(exitUsage)
		}
		log.Error().Err(err).Msg("agent stopped")
		os.Exit(1)
	}
}

// usageError marks a problem the operator must fix in flags or files
// (exit 2), as opposed to a failure at run time.
type usageError struct{ error }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }
