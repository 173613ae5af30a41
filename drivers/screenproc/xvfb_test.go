//go:build xvfb

package screenproc

// These tests run the real tgscreen under X servers they start and kill
// themselves (Xvfb must be installed; scripts/test-ui.sh runs them). This
// test binary does not link Ebiten; only the tgscreen it builds does.

import (
	"bufio"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/ui/samples"
)

var buildOnce struct {
	sync.Once
	path string
	err  error
}

// tgscreenBinary builds cmd/tgscreen once per test binary.
func tgscreenBinary(t testing.TB) string {
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tgscreen-test")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "tgscreen")
		out, err := exec.Command("go", "build", "-o", buildOnce.path, "../../cmd/tgscreen").CombinedOutput()
		if err != nil {
			buildOnce.err = fmt.Errorf("go build tgscreen: %v\n%s", err, out)
		}
	})
	if buildOnce.err != nil {
		t.Fatal(buildOnce.err)
	}
	return buildOnce.path
}

// xserver is an Xvfb started by a test.
type xserver struct {
	cmd     *exec.Cmd
	display string
}

// startX starts Xvfb on display (":N"), or on a free one when display is "".
func startX(t testing.TB, display string) *xserver {
	t.Helper()
	args := []string{"-screen", "0", "1024x768x24", "-nolisten", "tcp"}
	var r *os.File
	cmd := exec.Command("Xvfb")
	if display == "" {
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		r = pr
		cmd.ExtraFiles = []*os.File{pw}
		args = append(args, "-displayfd", "3")
		defer pw.Close()
	} else {
		args = append([]string{display}, args...)
	}
	cmd.Args = append(cmd.Args, args...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	x := &xserver{cmd: cmd, display: display}
	t.Cleanup(x.kill)
	if r != nil {
		line, err := bufio.NewReader(r).ReadString('\n')
		r.Close()
		if err != nil {
			t.Fatalf("Xvfb display number: %v", err)
		}
		x.display = ":" + strings.TrimSpace(line)
		return x
	}
	sock := "/tmp/.X11-unix/X" + strings.TrimPrefix(display, ":")
	for i := 0; i < 100; i++ {
		if _, err := os.Stat(sock); err == nil {
			return x
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("Xvfb %s did not come up", display)
	return nil
}

func (x *xserver) kill() {
	if x.cmd.ProcessState == nil {
		x.cmd.Process.Kill()
		x.cmd.Wait()
	}
}

// screenshot grabs the root window with imagemagick.
func (x *xserver) screenshot(t *testing.T) image.Image {
	t.Helper()
	out, err := exec.Command("import", "-display", x.display, "-window", "root", "png:-").Output()
	if err != nil {
		t.Fatalf("screenshot of %s: %v", x.display, err)
	}
	img, err := png.Decode(strings.NewReader(string(out)))
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	return img
}

// share is the fraction of pixels of img equal to the colour r,g,b.
func share(img image.Image, r, g, b uint8) float64 {
	n, bb := 0, img.Bounds()
	for y := bb.Min.Y; y < bb.Max.Y; y += 4 {
		for x := bb.Min.X; x < bb.Max.X; x += 4 {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if uint8(cr>>8) == r && uint8(cg>>8) == g && uint8(cb>>8) == b {
				n++
			}
		}
	}
	return float64(n) / float64((bb.Dx()/4)*(bb.Dy()/4))
}

// waitColour waits until the colour covers most of the display. "shown"
// is sent from Draw, a moment before the frame reaches the X server.
func (x *xserver) waitColour(t *testing.T, what string, r, g, b uint8) {
	t.Helper()
	got := 0.0
	for i := 0; i < 30; i++ {
		if got = share(x.screenshot(t), r, g, b); got >= 0.3 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("%s covers %.0f%% of the display, want most of it", what, 100*got)
}

// brokenALSA makes snd_pcm_open fail, as on a box with no sound card.
func brokenALSA(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "asound.conf")
	if err := os.WriteFile(p, []byte("pcm.!default { type hw card 77 }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRealScreenSurvivesItsDeathAndTheXServers(t *testing.T) {
	bin := tgscreenBinary(t)
	x := startX(t, "")
	w := newWatcher()
	p := New(Config{
		Binary: bin, Args: []string{"--fullscreen"},
		// Voice on, with a sound device that cannot open: the screen must still run.
		Env:        []string{"DISPLAY=" + x.display, "ALSA_CONFIG_PATH=" + brokenALSA(t)},
		MinBackoff: 50 * time.Millisecond, MaxBackoff: 400 * time.Millisecond,
		OnState: w.onState, OnShown: w.onShown,
	}, zerolog.New(zerolog.NewTestWriter(t)))
	hr, _ := samples.Get(wire.ScreenHighRisk, "zh")
	hr.Seq = 41
	p.Show(hr)
	stop := start(t, p)
	defer stop()

	w.waitFor(t, "high risk shown", func(st []string, sh []uint64) bool { return last(sh) == 41 })
	x.waitColour(t, "high-risk red", 0x6E, 0x00, 0x00)

	// tgscreen dies: down, then back with the same screen.
	p.mu.Lock()
	pid := p.pid
	p.mu.Unlock()
	syscall.Kill(pid, syscall.SIGKILL)
	w.waitFor(t, "down after kill", func(st []string, sh []uint64) bool { return len(st) >= 2 && st[1] == StateDown })
	w.waitFor(t, "up after restart", func(st []string, sh []uint64) bool { return len(st) >= 3 && st[2] == StateUp })
	w.waitFor(t, "re-shown", func(st []string, sh []uint64) bool { return len(sh) >= 2 && last(sh) == 41 })

	// The X server dies: down, and it stays down while there is no display.
	x.kill()
	w.waitFor(t, "down without X", func(st []string, sh []uint64) bool { return len(st) >= 4 && st[3] == StateDown })
	time.Sleep(time.Second) // several failed restarts
	staff, _ := samples.Get(wire.ScreenStaffComing, "en")
	staff.Seq = 42
	p.Show(staff) // decided while the display was gone

	// The display comes back: the current screen with it.
	x2 := startX(t, x.display)
	w.waitFor(t, "up with X back", func(st []string, sh []uint64) bool { return len(st) >= 5 && st[4] == StateUp })
	w.waitFor(t, "staff screen shown", func(st []string, sh []uint64) bool { return last(sh) == 42 })
	x2.waitColour(t, "staff-coming navy", 0x0B, 0x25, 0x45)
	w.mu.Lock()
	defer w.mu.Unlock()
	if want := []string{"up", "down", "up", "down", "up"}; fmt.Sprint(w.states) != fmt.Sprint(want) {
		t.Errorf("states %v, want %v", w.states, want)
	}
}

// BenchmarkShowToDraw measures agent Show → tgscreen has drawn the screen
// (its "shown" reply), through the real pipe, with events 100 ms apart.
func BenchmarkShowToDraw(b *testing.B) {
	bin := tgscreenBinary(b)
	x := startX(b, "")
	shown := make(chan uint64, 16)
	up := make(chan struct{}, 1)
	p := New(Config{Binary: bin, Args: []string{"--no-voice"}, Env: []string{"DISPLAY=" + x.display}, Stderr: io.Discard,
		OnState: func(s string) {
			if s == StateUp {
				up <- struct{}{}
			}
		},
		OnShown: func(seq uint64) { shown <- seq }}, zerolog.Nop())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go p.Run(ctx)
	<-up
	screens := samples.All()
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := screens[i%len(screens)]
		s.Seq = uint64(i + 1)
		t0 := time.Now()
		p.Show(s)
		for seq := range shown {
			if seq == s.Seq {
				break
			}
		}
		lat = append(lat, time.Since(t0))
		b.StopTimer()
		time.Sleep(100 * time.Millisecond)
		b.StartTimer()
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(ms(0.5), "p50-ms")
	b.ReportMetric(ms(0.9), "p90-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

// BenchmarkStartToFirstFrame measures exec of tgscreen → its "ready"
// (window up, first frame drawn).
func BenchmarkStartToFirstFrame(b *testing.B) {
	bin := tgscreenBinary(b)
	x := startX(b, "")
	var took []time.Duration
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, "--no-voice")
		cmd.Env = append(os.Environ(), "DISPLAY="+x.display)
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		if _, err := bufio.NewReader(stdout).ReadString('\n'); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(t0))
		stdin.Close()
		cmd.Wait()
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	b.ReportMetric(float64(took[len(took)/2].Milliseconds()), "p50-ms/start")
	b.ReportMetric(float64(took[len(took)-1].Milliseconds()), "max-ms/start")
}
