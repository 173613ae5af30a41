package agent

import (
	"os/exec"
	"strings"
	"testing"
)

// The core must build and test without a display, a broker or a serial
// port: a binary that links Ebiten panics without X, and the agent must
// keep answering the serial line whatever happens to the screen.
func TestCoreImportsNoAdapters(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbidden := []string{"github.com/hajimehoshi/ebiten", "github.com/eclipse/paho", "go.bug.st/serial", "github.com/mochi-mqtt", "go.etcd.io/bbolt"}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if strings.HasPrefix(dep, f) {
				t.Errorf("agent/... depends on %s; move that code behind an interface in drivers/ or ui/", dep)
			}
		}
	}
	if !strings.Contains(string(out), "github.com/transferguard/transferguard/agent/terminal") {
		t.Fatal("go list did not see the core packages; the check would pass vacuously")
	}
}
