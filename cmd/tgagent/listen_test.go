//go:build !windows

package main

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/agenttest"
	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/terminal"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/drivers/screenproc"
	"github.com/transferguard/transferguard/ui/pipe"
)

// TestAConnectedScreenDrivesTheRealCore wires the real core to a
// screenproc.Listener as cmd/tgagent does for --ui listen, and plays a
// screen over the unix socket with tgscreen's codec: the transfer warning
// reaches the screen, and the customer's touch on "continue" after the
// countdown releases the hold on the serial side.
func TestAConnectedScreenDrivesTheRealCore(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "screen.sock")
	l, err := screenproc.Listen(screenproc.ListenConfig{Addr: screenproc.Addr{Network: "unix", Address: sock}}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	pol, err := config.Build(config.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(time.Unix(1_800_000_000, 0))
	rec := &agenttest.Recorder{}
	term := terminal.New(terminal.Options{Site: "S1", Terminal: "T1", Policy: pol, Clock: clk,
		Controller: rec, Display: l, Publisher: rec, Status: rec, Log: zerolog.Nop()})
	frames := make(chan frame.Frame)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = l.Run(ctx) })
	wg.Go(func() { _ = term.Run(ctx, terminal.Inputs{Frames: frames, Display: l.Inputs()}) })
	defer func() { cancel(); wg.Wait() }()

	conn, err := screenproc.Dial(ctx, screenproc.Addr{Network: "unix", Address: sock}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	screens := make(chan screen.Screen, 16)
	go pipe.Read(conn, func(s screen.Screen) { screens <- s }, zerolog.Nop())
	out := pipe.NewWriter(conn)
	if err := out.Ready(); err != nil {
		t.Fatal(err)
	}
	frames <- frame.New(wire.Start, "age", "40")
	frames <- frame.New(wire.Func, "fn", "TRANSFER")
	warn := waitScreen(t, screens, wire.ScreenTransferWarning)
	// A warning re-sent on ready carries the countdown less the wall time
	// since it was decided: a second more covers that.
	clk.Advance(time.Duration(warn.CountdownMS)*time.Millisecond + time.Second)
	if err := out.Input(screen.SourceTouch, "", screen.ChoiceContinue, warn.Seq); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); len(rec.Frames(string(wire.Release))) == 0; {
		if time.Now().After(deadline) {
			t.Fatalf("no RELEASE after the touch on continue; frames %v", rec.Frames(""))
		}
		time.Sleep(5 * time.Millisecond)
	}
	timeout := time.After(10 * time.Second)
	for { // the warning may come twice (on ready and on Show): the same seq
		select {
		case s := <-screens:
			if s.Seq == warn.Seq {
				continue
			}
			if s.Name == wire.ScreenTransferWarning {
				t.Errorf("the screen shows a warning again (seq %d) after the customer continued", s.Seq)
			}
			return
		case <-timeout:
			t.Fatal("no new screen after the customer continued")
		}
	}
}

// waitScreen returns the first screen named name the client receives.
func waitScreen(t *testing.T, screens <-chan screen.Screen, name wire.ScreenName) screen.Screen {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case s := <-screens:
			if s.Name == name {
				return s
			}
		case <-timeout:
			t.Fatalf("screen %s never reached the connected screen", name)
		}
	}
}
