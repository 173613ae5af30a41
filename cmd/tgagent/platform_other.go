//go:build !windows

package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// defaultStateDir is the --state-dir when none is given.
func defaultStateDir() string { return "/var/lib/transferguard" }

// Defaults of --ui listen, as --help shows them.
const (
	defaultUIAddrHelp = "unix:$RUNTIME_DIRECTORY/screen.sock, else unix:STATE_DIR/screen.sock"
	defaultTokenHelp  = "beside the default socket, screen.token"
)

// uiDir holds the screen socket: systemd's RuntimeDirectory= when the unit
// has one (/run/transferguard, which the kiosk user can reach, unlike the
// 0700 state directory), else the state directory.
func uiDir(stateDir string) string {
	if d, _, _ := strings.Cut(os.Getenv("RUNTIME_DIRECTORY"), ":"); d != "" {
		return d
	}
	return stateDir
}

// defaultUIAddr is the --ui-addr of --ui listen when none is given.
func defaultUIAddr(stateDir string) string {
	return "unix:" + filepath.Join(uiDir(stateDir), "screen.sock")
}

// defaultTokenFile is used only when --ui-addr is a tcp address.
func defaultTokenFile(stateDir string) string {
	return filepath.Join(uiDir(stateDir), "screen.token")
}

// logOutput is stderr: systemd's journal (or the terminal) takes it.
func logOutput() (io.Writer, func()) { return os.Stderr, func() {} }

// serviceCommand: `tgagent service …` exists on Windows only.
func serviceCommand([]string) (int, bool) { return 0, false }

// inService: on Linux, systemd runs the agent as an ordinary process.
func inService() bool { return false }

// runService is never called outside Windows.
func runService(agent func(context.Context) error) error { return agent(context.Background()) }

func checkService(*options) error { return nil }
