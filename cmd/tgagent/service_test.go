//go:build !windows

package main

import (
	"context"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/agenttest"
	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/terminal"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/drivers/sdnotify"
)

// stuckDisk is a Publisher whose writes hang until released: a disk that
// stops answering, the classic hung main loop.
type stuckDisk struct {
	agenttest.Recorder
	hang    chan struct{}
	release chan struct{}
	once    sync.Once
}

func (d *stuckDisk) Publish(m envelope.Message) error {
	d.once.Do(func() { close(d.hang) })
	<-d.release
	return d.Recorder.Publish(m)
}

// TestWatchdogFollowsTheCoreLoop runs the real core loop with the watchdog
// on a fake NOTIFY_SOCKET: pings come while frames are handled, stop while
// a PANIC's alert hangs on the disk, and come back when the disk answers.
func TestWatchdogFollowsTheCoreLoop(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify")
	mgr, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer mgr.Close()
	t.Setenv("NOTIFY_SOCKET", sock)
	next := func(wait time.Duration) string {
		buf := make([]byte, 64)
		_ = mgr.SetReadDeadline(time.Now().Add(wait))
		n, _ := mgr.Read(buf)
		return string(buf[:n])
	}

	p, err := config.Build(config.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	disk := &stuckDisk{hang: make(chan struct{}), release: make(chan struct{})}
	rec := &agenttest.Recorder{}
	term := terminal.New(terminal.Options{Site: "S1", Terminal: "T1", Policy: p, Clock: clock.NewFake(time.Unix(0, 0)),
		Controller: rec, Display: rec, Publisher: disk, Status: rec, Log: zerolog.Nop()})
	frames := make(chan frame.Frame)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = term.Run(ctx, terminal.Inputs{Frames: frames}) })
	ticks := make(chan time.Time)
	wg.Go(func() { sdnotify.Watchdog(ctx, sdnotify.FromEnv(), ticks, term.Turns, nil) })
	defer func() { close(disk.release); cancel(); wg.Wait() }()

	ticks <- time.Time{} // the watchdog has read the start count
	send := func(f frame.Frame) {
		before := term.Turns()
		frames <- f
		for term.Turns() == before {
			time.Sleep(time.Millisecond)
		}
	}
	send(frame.New(wire.Hello, "proto", "1"))
	ticks <- time.Time{}
	if got := next(5 * time.Second); got != "WATCHDOG=1" {
		t.Fatalf("loop turning: got %q, want WATCHDOG=1", got)
	}
	send(frame.New(wire.Start, "channel", "COUNTER", "age", "70"))
	ticks <- time.Time{}
	if got := next(5 * time.Second); got != "WATCHDOG=1" {
		t.Fatalf("after START: got %q, want WATCHDOG=1", got)
	}
	stalled := term.Turns()
	frames <- frame.New(wire.Panic) // its alert hangs on the disk
	<-disk.hang
	for range 3 {
		ticks <- time.Time{}
	}
	if got := next(200 * time.Millisecond); got != "" {
		t.Fatalf("loop hung in Publish: got %q, want no ping (systemd must restart the agent)", got)
	}
	if term.Turns() != stalled {
		t.Fatal("the loop turned while its handler hung")
	}
	disk.release <- struct{}{}
	for term.Turns() == stalled {
		time.Sleep(time.Millisecond)
	}
	ticks <- time.Time{}
	if got := next(5 * time.Second); got != "WATCHDOG=1" {
		t.Fatalf("loop turning again: got %q, want WATCHDOG=1", got)
	}
}
