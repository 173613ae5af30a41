//go:build integration

package integration

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/transferguard/transferguard/internal/mosquittotest"
	"github.com/transferguard/transferguard/internal/syncbuf"
	"github.com/transferguard/transferguard/sim"
)

const (
	site     = "S1"
	terminal = "T1"
	prefix   = "tg/v1/" + site + "/" + terminal + "/"
)

// rig is one terminal under test: a broker, a subscriber, a pty reached
// through a symlink, the agent process and the simulator on the pty.
type rig struct {
	t        *testing.T
	dir      string
	broker   *mosquittotest.Broker
	sub      *subscriber
	link     string // the path the agent opens: a symlink to the pty slave
	stateDir string
	config   string
	pty      *sim.PTY
	player   *sim.Player
	out      *syncbuf.Buffer // what the player printed
	agent    *agent
	logs     []string // stderr files of every agent run
	pans     []string // whole numbers the controller sent, which must leak nowhere
	extra    []string // more tgagent flags
}

// newRig starts a broker, a subscriber and a pty; policy is a YAML layer
// over the shipped defaults (may be nil). The agent is not started yet.
func newRig(t *testing.T, policy map[string]any) *rig {
	t.Helper()
	r := &rig{t: t, dir: t.TempDir(), pans: []string{sim.TestCard}}
	r.broker = mosquittotest.Start(t)
	r.sub = subscribe(t, r.broker.URL())
	r.link = filepath.Join(r.dir, "ttyTG0")
	r.stateDir = filepath.Join(r.dir, "state")
	r.config = filepath.Join(r.dir, "agent.yaml")
	doc := map[string]any{"site": site, "terminal": terminal}
	if policy != nil {
		doc["policy"] = policy
	}
	b, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(r.config, b, 0o644); err != nil {
		t.Fatal(err)
	}
	r.plug()
	t.Cleanup(r.finish)
	return r
}

// plug opens a new pty, points the link at it and starts a player on it.
func (r *rig) plug() {
	r.t.Helper()
	pt, err := sim.OpenPTY(r.link)
	if err != nil {
		r.t.Fatal(err)
	}
	r.pty, r.out = pt, &syncbuf.Buffer{}
	r.player = sim.New(context.Background(), pt, sim.Options{Out: r.out, Quiet: true})
}

// unplug closes the pty as a USB adapter pulled out would: the agent's
// reads fail and the link disappears.
func (r *rig) unplug() {
	r.player.Close()
	r.t.Logf("player output:\n%s", r.out)
}

// startAgent runs tgagent --ui none on the link and waits until it answers
// the line and reports online.
func (r *rig) startAgent() {
	r.t.Helper()
	r.agent = startAgent(r.t, r.args(), filepath.Join(r.dir, "agent-"+itoa(len(r.logs))+".log"))
	r.logs = append(r.logs, r.agent.logPath)
	if err := r.player.WaitAgent(context.Background(), 10*time.Second); err != nil {
		r.t.Fatalf("agent does not answer on the pty: %v\n%s", err, r.agent.log())
	}
}

func (r *rig) args() []string {
	return append([]string{
		"--serial", r.link, "--broker", r.broker.URL(), "--site", site, "--terminal", terminal,
		"--ui", "none", "--state-dir", r.stateDir, "--log-level", "debug", "--config", r.config,
	}, r.extra...)
}

// play runs scenario text on the player.
func (r *rig) play(text string) {
	r.t.Helper()
	steps, err := parseSteps(text)
	if err != nil {
		r.t.Fatal(err)
	}
	if err := r.player.Play(context.Background(), steps); err != nil {
		r.t.Fatalf("scenario: %v\nplayer output:\n%s\nagent log:\n%s", err, r.out, r.agent.log())
	}
}

// finish stops the agent (it must exit 0 on SIGTERM), logs the latency
// and checks that no whole number the controller sent leaked anywhere.
func (r *rig) finish() {
	if r.agent != nil {
		if code := r.agent.stop(); code != 0 && !r.t.Failed() {
			r.t.Errorf("tgagent exited %d after SIGTERM, want 0\n%s", code, r.agent.log())
		}
	}
	r.player.Close()
	if s := r.player.Stats(); s.Sent > 0 {
		r.t.Logf("serial: %s", s.Summary())
	}
	r.checkPrivacy()
}

// checkPrivacy scans MQTT, the agent's logs and the state directory for
// the whole card and account numbers sent on the line (CONTRACT §4).
func (r *rig) checkPrivacy() {
	var where []string
	look := func(name string, b []byte) {
		for _, n := range r.pans {
			if bytes.Contains(b, []byte(n)) {
				where = append(where, name+" holds "+n[:6]+"…")
			}
		}
	}
	for _, m := range r.sub.all() {
		look("MQTT "+m.Topic, m.Payload)
	}
	for _, l := range r.logs {
		b, _ := os.ReadFile(l)
		look("agent log "+filepath.Base(l), b)
	}
	files := 0
	_ = filepath.WalkDir(r.stateDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			b, _ := os.ReadFile(path)
			look("state file "+path, b)
			files++
		}
		return nil
	})
	if len(where) > 0 {
		r.t.Errorf("whole card or account numbers left the serial link:\n  %s", strings.Join(where, "\n  "))
	}
	if r.agent != nil && files == 0 {
		r.t.Errorf("state dir %s holds no file: nothing was scanned", r.stateDir)
	}
}

var panRe = regexp.MustCompile(`[0-9]{13,19}`)

// addPANs records the whole numbers in scenario text for the privacy scan.
func (r *rig) addPANs(text string) {
	r.pans = append(r.pans, panRe.FindAllString(text, -1)...)
}

// agent is one tgagent process.
type agent struct {
	t       testing.TB
	cmd     *exec.Cmd
	logPath string
	done    chan struct{}
	code    int
}

func startAgent(t testing.TB, args []string, logPath string) *agent {
	t.Helper()
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(bin, "tgagent"), args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatalf("start tgagent: %v", err)
	}
	a := &agent{t: t, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		err := cmd.Wait()
		f.Close()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			a.code = ee.ExitCode()
		}
		close(a.done)
	}()
	return a
}

// kill sends SIGKILL: no deferred code, no flush, as a power cut.
func (a *agent) kill() {
	_ = a.cmd.Process.Signal(syscall.SIGKILL)
	<-a.done
}

// stop sends SIGTERM and returns the exit code (-1 if it had to be killed).
func (a *agent) stop() int {
	select {
	case <-a.done:
		return a.code
	default:
	}
	_ = a.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-a.done:
		return a.code
	case <-time.After(10 * time.Second):
		a.kill()
		return -1
	}
}

func (a *agent) running() bool {
	select {
	case <-a.done:
		return false
	default:
		return true
	}
}

// log returns the agent's stderr so far.
func (a *agent) log() string {
	if a == nil {
		return ""
	}
	b, _ := os.ReadFile(a.logPath)
	return string(b)
}

func itoa(n int) string { return string(rune('0' + n%10)) }
