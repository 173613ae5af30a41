//go:build !windows

package main

import (
	"context"
	"io"
	"os"
)

// defaultStateDir is the --state-dir when none is given.
func defaultStateDir() string { return "/var/lib/transferguard" }

// logOutput is stderr: systemd's journal (or the terminal) takes it.
func logOutput() (io.Writer, func()) { return os.Stderr, func() {} }

// serviceCommand: `tgagent service …` exists on Windows only.
func serviceCommand([]string) (int, bool) { return 0, false }

// inService: on Linux, systemd runs the agent as an ordinary process.
func inService() bool { return false }

// runService is never called outside Windows.
func runService(agent func(context.Context) error) error { return agent(context.Background()) }

func checkService(*options) error { return nil }
