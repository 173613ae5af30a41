// Command tgagent is the transferguard terminal agent: it reads the
// controller's serial link, decides warnings and alerts, publishes them over
// MQTT through a durable outbox, applies signed configuration, and — with
// --ui window|fullscreen — starts and supervises the tgscreen process, or
// — with --ui listen — waits for a tgscreen started by the kiosk's logon to
// connect. It never links a display library, so it runs on a terminal with
// no X at all.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
)

// exitUsage is the exit code for bad flags or an unusable configuration.
const exitUsage = 2

func main() {
	if code, ok := serviceCommand(os.Args[1:]); ok {
		os.Exit(code)
	}
	out, closeLog := logOutput()
	opts, err := parseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, errHelp) {
			os.Exit(0)
		}
		fmt.Fprintf(out, "tgagent: %v\n", err)
		os.Exit(exitUsage)
	}
	level, _ := zerolog.ParseLevel(opts.LogLevel)
	zerolog.TimeFieldFormat = zerolog.TimeFormatUnixMs
	log := zerolog.New(out).Level(level).Hook(newRepeatSampler(clock.Real{})).
		With().Timestamp().Str("site", opts.Site).Str("terminal", opts.Terminal).Logger()

	err = checkService(opts)
	switch {
	case err != nil:
	case inService(): // Windows: the service control manager stops it
		err = runService(func(ctx context.Context) error { return run(ctx, opts, log) })
	default:
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err = run(ctx, opts, log)
		stop()
	}
	os.Exit(exitCode(err, log, out, closeLog))
}

// exitCode logs err once and maps it to the exit code: 0, 2 for a usage
// error (one line naming the problem), 1 otherwise.
func exitCode(err error, log zerolog.Logger, out io.Writer, closeLog func()) int {
	defer closeLog()
	if err == nil {
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(out, "tgagent: %v\n", err)
		return exitUsage
	}
	log.Error().Err(err).Msg("agent stopped")
	return 1
}

// usageError marks a problem the operator must fix in flags or files
// (exit 2), as opposed to a failure at run time.
type usageError struct{ error }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }
