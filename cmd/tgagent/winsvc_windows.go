//go:build windows

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/mgr"
)

// serviceName is the name tgagent is registered under with the service
// control manager (sc query tgagent).
const serviceName = "tgagent"

// recovery is what the SCM does when the agent dies or exits with an
// error: restart after 2 s, then 10 s, then every 60 s; the count resets
// after a day without failure. Exit code 2 (bad configuration) is also
// restarted, as on systemd: fix the file and the agent comes up by itself.
var recovery = []mgr.RecoveryAction{
	{Type: mgr.ServiceRestart, Delay: 2 * time.Second},
	{Type: mgr.ServiceRestart, Delay: 10 * time.Second},
	{Type: mgr.ServiceRestart, Delay: 60 * time.Second},
}

// serviceCommand runs `tgagent service install|uninstall|start|stop
// [agent flags]`. handled is false when args are not a service command.
func serviceCommand(args []string) (code int, handled bool) {
	if len(args) == 0 || args[0] != "service" {
		return 0, false
	}
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "tgagent: service install|uninstall|start|stop [agent flags for install]")
		return exitUsage, true
	}
	var err error
	switch args[1] {
	case "install":
		err = installService(args[2:])
	case "uninstall":
		err = withService(func(s *mgr.Service) error { return s.Delete() })
	case "start":
		err = withService(func(s *mgr.Service) error { return s.Start() })
	case "stop":
		err = withService(func(s *mgr.Service) error { _, err := s.Control(svc.Stop); return err })
	default:
		fmt.Fprintf(os.Stderr, "tgagent: unknown service command %q\n", args[1])
		return exitUsage, true
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "tgagent: service %s: %v\n", args[1], err)
		return 1, true
	}
	return 0, true
}

// installService registers this executable as an automatic service that
// runs with the given agent flags (checked now, so a typo fails here and
// not at the first boot), and sets the recovery actions.
func installService(flags []string) error {
	if _, err := parseFlags(flags); err != nil {
		return fmt.Errorf("flags: %w", err)
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	exe, err = filepath.Abs(exe)
	if err != nil {
		return err
	}
	m, err := mgr.Connect()
	if err != nil {
		return fmt.Errorf("connect to the service manager (run as Administrator): %w", err)
	}
	defer m.Disconnect()
	s, err := m.CreateService(serviceName, exe, mgr.Config{
		DisplayName:      "transferguard terminal agent",
		Description:      "Reads the terminal controller's serial link, warns customers and alerts guards (docs/windows.md).",
		StartType:        mgr.StartAutomatic,
		DelayedAutoStart: false,
	}, flags...)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.SetRecoveryActions(recovery, uint32((24 * time.Hour).Seconds())); err != nil {
		return fmt.Errorf("recovery actions: %w", err)
	}
	if err := s.SetRecoveryActionsOnNonCrashFailures(true); err != nil {
		return fmt.Errorf("recovery on non-crash failures: %w", err)
	}
	fmt.Printf("tgagent: service %s installed: %s %s\n", serviceName, exe, strings.Join(flags, " "))
	return nil
}

func withService(f func(*mgr.Service) error) error {
	m, err := mgr.Connect()
	if err != nil {
		return fmt.Errorf("connect to the service manager (run as Administrator): %w", err)
	}
	defer m.Disconnect()
	s, err := m.OpenService(serviceName)
	if err != nil {
		return err
	}
	defer s.Close()
	return f(s)
}

// inService reports whether the SCM started this process.
func inService() bool {
	ok, err := svc.IsWindowsService()
	return err == nil && ok
}

// runService runs agent under the SCM: Running once started, and a Stop
// or Shutdown request cancels agent's context (the same clean shutdown as
// SIGTERM). A non-zero exit makes the SCM apply the recovery actions.
func runService(agent func(context.Context) error) error {
	h := &handler{agent: agent}
	if err := svc.Run(serviceName, h); err != nil {
		return fmt.Errorf("service: %w", err)
	}
	return h.err
}

type handler struct {
	agent func(context.Context) error
	err   error
}

// Execute is called by svc.Run; it returns when the agent has stopped.
func (h *handler) Execute(_ []string, req <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- h.agent(ctx) }()
	status <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	for {
		select {
		case h.err = <-done:
			if h.err != nil {
				var ue usageError
				code := uint32(1)
				if errors.As(h.err, &ue) {
					code = exitUsage
				}
				return false, code // non-zero: the SCM applies the recovery actions
			}
			return false, 0
		case r := <-req:
			switch r.Cmd {
			case svc.Interrogate:
				status <- r.CurrentStatus
			case svc.Stop, svc.Shutdown:
				status <- svc.Status{State: svc.StopPending, WaitHint: 15000}
				cancel()
			}
		}
	}
}
