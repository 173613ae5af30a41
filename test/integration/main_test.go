//go:build integration

// Package integration runs the real binaries end to end, as an integrator
// would meet them: tgagent --ui none on a pty driven by the simulator
// (package sim, and the tgsim binary), a real mosquitto from PATH, and
// assertions on the exact MQTT messages, the serial answers, the faults of
// CONTRACT §2–§4 and the privacy of every output. Run it with
//
//	go test -tags integration ./test/integration/
package integration

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// bin holds tgagent, tgsim, tgscreen and tgdispatch, built once for the whole run, or taken from
// $TG_INTEGRATION_BIN when set.
var bin string

func TestMain(m *testing.M) {
	flag.Parse()
	// The tests wait on real timers (cooling-off, link timeout) and use
	// almost no CPU: run them all at once unless -parallel says otherwise.
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", "16")
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if dir := os.Getenv("TG_INTEGRATION_BIN"); dir != "" {
		// Binaries built beforehand (e.g. of another revision of the agent).
		bin = dir
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "tg-integration-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	root, err := repoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		return 1
	}
	cmd := exec.Command("go", "build", "-o", dir+"/", "./cmd/tgagent", "./cmd/tgsim", "./cmd/tgscreen", "./cmd/tgdispatch")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "integration: go build: %v\n%s", err, out)
		return 1
	}
	bin = dir
	return m.Run()
}

// repoRoot is the module root, two levels up from this package.
func repoRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside the module")
	}
	return filepath.Dir(mod), nil
}
