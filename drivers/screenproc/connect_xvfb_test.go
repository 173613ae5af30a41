//go:build xvfb && linux

package screenproc

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/ui/samples"
)

// TestRealScreenConnectsToTheListener starts the real tgscreen with
// --connect, as a kiosk's logon would, against a Listener: the agent's
// screen is drawn; when the agent goes away tgscreen shows its standby;
// when an agent listens again it reconnects and draws that agent's screen.
func TestRealScreenConnectsToTheListener(t *testing.T) {
	bin := tgscreenBinary(t)
	x := startX(t, "")
	sock := Addr{Network: "unix", Address: filepath.Join(t.TempDir(), "screen.sock")}
	w := newWatcher()
	listen := func() (*Listener, context.CancelFunc) {
		l, err := Listen(ListenConfig{Addr: sock, OnState: w.onState, OnShown: w.onShown}, zerolog.New(zerolog.NewTestWriter(t)))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { l.Run(ctx); close(done) }()
		return l, func() { cancel(); <-done }
	}
	l, stop := listen()
	hr, _ := samples.Get(wire.ScreenHighRisk, "zh")
	hr.Seq = 41
	l.Show(hr)

	cmd := exec.Command(bin, "--connect", sock.String(), "--fullscreen", "--no-voice")
	cmd.Env = append(os.Environ(), "DISPLAY="+x.display)
	cmd.Stderr = zerolog.NewTestWriter(t)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	w.waitFor(t, "high risk shown", func(st []string, sh []uint64) bool { return last(sh) == 41 })
	x.waitColour(t, "high-risk red", 0x6E, 0x00, 0x00)

	stop() // the agent stops (its state is not "down": it is gone): standby, navy
	x.waitColour(t, "standby navy", 0x0B, 0x25, 0x45)

	l2, stop2 := listen() // the agent is back, deciding another warning
	defer stop2()
	hr.Seq = 42
	l2.Show(hr)
	w.waitFor(t, "reconnected and shown", func(st []string, sh []uint64) bool { return len(st) == 2 && st[1] == StateUp && last(sh) == 42 })
	x.waitColour(t, "high-risk red again", 0x6E, 0x00, 0x00)
	if cmd.ProcessState != nil {
		t.Errorf("tgscreen exited (%v); it must outlive the agent", cmd.ProcessState)
	}
}
