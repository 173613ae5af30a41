//go:build windows

package main

import (
	"context"

	"github.com/rs/zerolog"
)

// loop is the core's main loop as the service manager watches it.
type loop interface{ Turns() uint64 }

// startServiceHooks does nothing on Windows: the service control manager
// learns readiness from svc.Run (winsvc_windows.go) and has no watchdog;
// its recovery actions restart the agent when the process dies.
func startServiceHooks(context.Context, loop, zerolog.Logger) (stop func()) { return func() {} }
