package screenproc

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
)

// The test binary doubles as a fake tgscreen when SCREENPROC_FAKE is set:
// it says ready, answers each show with "shown" and an ENTER input aimed
// at it, and exits with status 1 on a screen named "die".
func TestMain(m *testing.M) {
	if os.Getenv("SCREENPROC_FAKE") == "1" {
		fakeScreen()
		os.Exit(0)
	}
	if path := os.Getenv("SCREENPROC_DIAL"); path != "" {
		os.Exit(dialChild(path))
	}
	os.Exit(m.Run())
}

func fakeScreen() {
	out := json.NewEncoder(os.Stdout)
	out.Encode(screen.FromDisplay{Type: screen.MsgReady})
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		var m screen.ToDisplay
		if json.Unmarshal(sc.Bytes(), &m) != nil || m.Screen == nil {
			continue
		}
		if m.Screen.Name == "die" {
			os.Exit(1)
		}
		out.Encode(screen.FromDisplay{Type: screen.MsgShown, Seq: m.Screen.Seq})
		out.Encode(screen.FromDisplay{Type: screen.MsgInput, Source: screen.SourceKey, Key: "ENTER", Seq: m.Screen.Seq})
	}
}

// watcher records what a Proc reports.
type watcher struct {
	mu     sync.Mutex
	states []string
	shown  []uint64
	change chan struct{}
}

func newWatcher() *watcher { return &watcher{change: make(chan struct{}, 100)} }

func (w *watcher) onState(s string) {
	w.mu.Lock()
	w.states = append(w.states, s)
	w.mu.Unlock()
	w.change <- struct{}{}
}

func (w *watcher) onShown(seq uint64) {
	w.mu.Lock()
	w.shown = append(w.shown, seq)
	w.mu.Unlock()
	w.change <- struct{}{}
}

// waitFor waits until cond holds over what was reported.
func (w *watcher) waitFor(t *testing.T, what string, cond func(states []string, shown []uint64) bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		w.mu.Lock()
		ok := cond(w.states, w.shown)
		w.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-w.change:
		case <-deadline:
			w.mu.Lock()
			defer w.mu.Unlock()
			t.Fatalf("timed out waiting for %s; states %v, shown %v", what, w.states, w.shown)
		}
	}
}

func fakeConfig(t *testing.T, w *watcher) Config {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Config{Binary: exe, Env: []string{"SCREENPROC_FAKE=1"}, MinBackoff: 10 * time.Millisecond,
		MaxBackoff: 50 * time.Millisecond, OnState: w.onState, OnShown: w.onShown, Stderr: io.Discard}
}

func start(t *testing.T, p *Proc) (stop func()) { return runUntilStop(t, p.Run) }

// runUntilStop runs run on its own goroutine; stop cancels it and checks
// that it returns nil within 5 s, as every Run must on cancel.
func runUntilStop(t *testing.T, run func(context.Context) error) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	return func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v after cancel, want nil", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Run did not return after cancel")
		}
	}
}

func last(s []uint64) uint64 {
	if len(s) == 0 {
		return 0
	}
	return s[len(s)-1]
}

func TestShowsCurrentScreenWhenReadyAndDeliversInput(t *testing.T) {
	w := newWatcher()
	p := New(fakeConfig(t, w), zerolog.Nop())
	p.Show(screen.Screen{Seq: 1, Name: wire.ScreenStandby})
	p.Show(screen.Screen{Seq: 2, Name: wire.ScreenReminder}) // only the latest counts
	stop := start(t, p)
	defer stop()
	w.waitFor(t, "screen 2 shown", func(st []string, sh []uint64) bool { return last(sh) == 2 })
	if w.states[0] != StateUp {
		t.Errorf("first state %q, want up", w.states[0])
	}
	select {
	case in := <-p.Inputs():
		if in.Key != "ENTER" || in.Seq != 2 {
			t.Errorf("input %+v, want ENTER on seq 2", in)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no input delivered")
	}
	p.Show(screen.Screen{Seq: 3, Name: wire.ScreenTransferWarning})
	w.waitFor(t, "screen 3 shown", func(st []string, sh []uint64) bool { return last(sh) == 3 })
}

func TestRestartsAndReshowsAfterACrash(t *testing.T) {
	w := newWatcher()
	p := New(fakeConfig(t, w), zerolog.Nop())
	p.Show(screen.Screen{Seq: 1, Name: wire.ScreenHighRisk})
	stop := start(t, p)
	defer stop()
	w.waitFor(t, "screen 1 shown", func(st []string, sh []uint64) bool { return last(sh) == 1 })
	p.Show(screen.Screen{Seq: 2, Name: "die"})
	w.waitFor(t, "down", func(st []string, sh []uint64) bool { return len(st) >= 2 && st[1] == StateDown })
	p.Show(screen.Screen{Seq: 3, Name: wire.ScreenHighRisk})
	w.waitFor(t, "up again with screen 3", func(st []string, sh []uint64) bool {
		return len(st) >= 3 && st[2] == StateUp && last(sh) == 3
	})
}

func TestMissingBinaryIsDownAndRetried(t *testing.T) {
	w := newWatcher()
	cfg := fakeConfig(t, w)
	cfg.Binary = filepath.Join(t.TempDir(), "no-such-tgscreen")
	p := New(cfg, zerolog.Nop())
	stop := start(t, p)
	w.waitFor(t, "down", func(st []string, sh []uint64) bool { return len(st) == 1 && st[0] == StateDown })
	stop()
}

func TestShowNeverBlocks(t *testing.T) {
	p := New(Config{Binary: "unused"}, zerolog.Nop())
	done := make(chan struct{})
	go func() {
		for i := range 10000 {
			p.Show(screen.Screen{Seq: uint64(i)})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Show blocked with no screen process running")
	}
	if got := p.current().Seq; got != 9999 {
		t.Errorf("current seq %d, want the latest 9999", got)
	}
}

func FuzzDecodeLine(f *testing.F) {
	seeds, err := os.ReadFile(filepath.Join("testdata", "lines.jsonl"))
	if err != nil {
		f.Fatal(err)
	}
	for _, l := range bytes.Split(seeds, []byte("\n")) {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := decodeLine(line)
		if err == nil {
			if _, merr := json.Marshal(m); merr != nil {
				t.Fatal(fmt.Errorf("decoded message does not encode: %w", merr))
			}
		}
	})
}
