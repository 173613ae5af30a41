//go:build windows

package main

import (
	"io"
	"os"
	"path/filepath"

	"github.com/transferguard/transferguard/drivers/logfile"
)

// Log rotation under a service: 10 files of 10 MB at most. The agent logs
// state changes, not frames, so this is weeks of history (docs/windows.md).
const (
	logMaxBytes = 10 << 20
	logKeep     = 10
)

// programData is %ProgramData%\transferguard, where a service keeps its
// state and logs (C:\ProgramData\transferguard on a default install).
func programData() string {
	base := os.Getenv("ProgramData")
	if base == "" {
		base = `C:\ProgramData`
	}
	return filepath.Join(base, "transferguard")
}

// defaultStateDir is the --state-dir when none is given.
func defaultStateDir() string { return filepath.Join(programData(), "state") }

// logOutput is where the JSON log lines go: stderr when run by hand, and
// under the SCM (which discards stderr) the rotated file
// %ProgramData%\transferguard\logs\tgagent.log. A log file that cannot be
// opened leaves stderr: logging never stops the agent.
func logOutput() (io.Writer, func()) {
	if !inService() {
		return os.Stderr, func() {}
	}
	w, err := logfile.Open(filepath.Join(programData(), "logs", "tgagent.log"), logMaxBytes, logKeep)
	if err != nil {
		return os.Stderr, func() {}
	}
	return w, func() { _ = w.Close() }
}

// Defaults of --ui listen, as --help shows them.
const (
	defaultUIAddrHelp = "tcp:127.0.0.1:47401"
	defaultTokenHelp  = `%ProgramData%\transferguard\screen\token`
)

// defaultUIAddr: loopback TCP, port 47401, on Windows (docs/windows.md
// says why not a named pipe).
func defaultUIAddr(string) string { return defaultUIAddrHelp }

// defaultTokenFile is where tgscreen --connect looks by default too.
func defaultTokenFile(string) string { return filepath.Join(programData(), "screen", "token") }

// checkService refuses what cannot work in a service: a service runs in
// session 0, where no window can be seen (docs/windows.md, "The screen").
// --ui listen works: tgscreen is started in the kiosk session and connects.
func checkService(o *options) error {
	if inService() && (o.UI == "window" || o.UI == "fullscreen") {
		return usagef("--ui %s: a Windows service runs in session 0 and cannot show tgscreen; run the service with --ui listen and start tgscreen --connect in the kiosk session (docs/windows.md)", o.UI)
	}
	return nil
}
