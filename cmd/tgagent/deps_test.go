package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The agent and tgdispatch run on machines with no display: neither may
// link a graphics library (Ebiten, GL, GLFW); only tgscreen does.
func TestBinariesLinkNoDisplayLibrary(t *testing.T) {
	for _, pkg := range []string{"github.com/transferguard/transferguard/cmd/tgagent", "github.com/transferguard/transferguard/cmd/tgdispatch"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		if !strings.Contains(string(out), "github.com/rs/zerolog") {
			t.Fatalf("go list -deps %s listed no known dependency:\n%s", pkg, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, bad := range []string{"ebiten", "go-gl", "glfw"} {
				if strings.Contains(dep, bad) {
					t.Errorf("%s links %s", pkg, dep)
				}
			}
		}
	}
}
