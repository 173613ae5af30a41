package terminal

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/agenttest"
	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/link"
	"github.com/transferguard/transferguard/agent/scenario"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/drivers/cardhistory"
)

var update = flag.Bool("update", false, "rewrite the scenario goldens (want.jsonl)")

// scenarioDir holds the scenarios shared with tgsim and the integration
// tests: one folder per case with signals.txt, optional policy.yaml, and
// want.jsonl, the golden of everything the core did.
const scenarioDir = "../../testdata/scenarios"

// epoch is 10:00 in Beijing on the day the scenarios were written.
var epoch = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

// harness plays a scenario against a Terminal on a fake clock.
type harness struct {
	t      testing.TB
	clk    *clock.Fake
	rec    *agenttest.Recorder
	term   *Terminal
	opts   Options // to build the Terminal again at a restart step
	store  *agenttest.Sessions
	boots  int
	seq    uint16
	lastHB time.Time
}

func newHarness(t testing.TB, layers ...map[string]any) *harness {
	t.Helper()
	p, err := config.Build(append([]map[string]any{config.Defaults()}, layers...)...)
	if err != nil {
		t.Fatalf("policy: %v", err)
	}
	h := &harness{t: t, clk: clock.NewFake(epoch), rec: &agenttest.Recorder{}, store: &agenttest.Sessions{}}
	n := 0
	hist := cardhistory.Open("", cardhistory.Options{}, zerolog.Nop()) // the real store, in memory
	h.opts = Options{
		Site: "S1", Terminal: "T1", Policy: p, Watchlist: listOf(p.Watchlist),
		History: hist, HistoryKey: hist.Key(),
		Clock: h.clk, Controller: h.rec, Display: h.rec, Publisher: h.rec, Status: h.rec,
		Log: zerolog.Nop(), IDs: func() string { n++; return fmt.Sprintf("ID%04d", n) },
		Sessions: h.store,
	}
	h.boot()
	h.lastHB = epoch
	return h
}

// boot starts the agent's core, the first time or again after a restart
// over the same session store (what the state directory keeps).
func (h *harness) boot() {
	h.boots++
	h.opts.Boot = fmt.Sprintf("BOOT%d", h.boots)
	h.term = New(h.opts)
}

// restart is the agent killed and started again after st.Delay, during
// which nothing runs; with `restart lost` the resume snapshot is gone.
func (h *harness) restart(st scenario.Step) {
	h.clk.Advance(st.Delay)
	if st.Choice == scenario.RestartLost {
		h.store.Delete(SnapshotResume)
	}
	h.boot()
}

// advance moves the clock by d, ticking at every deadline on the way; a
// controller that is not silent sends HB every 5 s.
func (h *harness) advance(d time.Duration, silent bool) {
	end := h.clk.Now().Add(d)
	for {
		next := h.term.NextDeadline()
		if hb := h.lastHB.Add(5 * time.Second); !silent && hb.Before(next) {
			next = hb
		}
		// After a silence the heartbeat is overdue: it goes now, never in
		// the past (the fake clock must not run backwards).
		if next.Before(h.clk.Now()) {
			next = h.clk.Now()
		}
		if next.After(end) {
			break
		}
		h.clk.Advance(next.Sub(h.clk.Now()))
		if !silent && !h.clk.Now().Before(h.lastHB.Add(5*time.Second)) {
			h.send(scenarioFrame("HB up=1"))
			h.lastHB = h.clk.Now()
		}
		h.term.Tick()
	}
	h.clk.Advance(end.Sub(h.clk.Now()))
	h.term.Tick()
}

func (h *harness) send(st scenario.Step) {
	f := st.Frame
	f.Seq = h.seq
	h.seq++
	// The serial driver writes a NAK instead of the ACK when the core
	// refuses the frame; ACKs are left out of the goldens.
	if nak := h.term.HandleFrame(f); nak != "" {
		h.rec.Send(link.Nak(int(f.Seq), nak))
	}
}

func scenarioFrame(line string) scenario.Step {
	st, err := scenario.ParseLine(line)
	if err != nil {
		panic(err)
	}
	return st
}

// play runs every step; expect steps are checked against the frames the
// core sent since the previous expect.
func (h *harness) play(steps []scenario.Step) {
	from := 0
	for _, st := range steps {
		switch st.Kind {
		case scenario.Send:
			h.advance(st.Delay, false)
			h.send(st)
			if st.Frame.Type != "HB" {
				h.lastHB = h.clk.Now()
			}
		case scenario.Wait:
			h.advance(st.Delay, false)
		case scenario.Silence:
			h.advance(st.Delay, true)
		case scenario.Expect:
			frames := h.rec.Frames("")
			found := -1
			for i := from; i < len(frames); i++ {
				if scenario.Matches(st.Frame, toFrame(frames[i])) {
					found = i
					break
				}
			}
			if found < 0 {
				h.t.Errorf("line %d: expected %s %v, the agent sent none after frame %d", st.Line, st.Frame.Type, st.Frame.Fields, from)
				continue
			}
			from = found + 1
		case scenario.Raw:
			h.t.Logf("line %d: raw bytes are for the serial player (tgsim), skipped by the core harness", st.Line)
		case scenario.Touch:
			h.advance(st.Delay, false)
			h.term.HandleInput(screen.FromDisplay{Type: screen.MsgInput, Source: screen.SourceTouch, Choice: st.Choice, Seq: h.term.Screen().Seq})
		case scenario.Dispatch:
			h.advance(st.Delay, false)
			h.term.HandleDispatch(h.dispatchOf(st))
		case scenario.Restart:
			h.restart(st)
		}
	}
}

// dispatchOf is a dispatch step aimed at the newest risk or help alert
// the core raised, as a console would aim it.
func (h *harness) dispatchOf(st scenario.Step) envelope.Dispatch {
	d := envelope.Dispatch{State: wire.DispatchState(st.Frame.Value("state")),
		Guard: st.Frame.Value("guard"), GuardName: st.Frame.Value("guard_name")}
	d.ETAS, _ = strconv.Atoi(st.Frame.Value("eta_s"))
	for _, a := range h.rec.Messages(wire.TopicAlert) {
		if k := a["kind"]; a["type"] == string(wire.TypeAlert) && (k == string(wire.KindRisk) || k == string(wire.KindHelp)) {
			d.AlertID, _ = a["alert_id"].(string)
		}
	}
	if d.AlertID == "" {
		h.t.Errorf("line %d: dispatch with no risk or help alert raised", st.Line)
	}
	return d
}

// longDigits finds a whole card or account number: a run of 13 or more
// digits standing alone. A run inside a hex key is not a number and is
// not matched: 13 decimal digits in a row turn up in about one random
// 64-digit hex key in 22, and the history key of these tests is random.
var longDigits = regexp.MustCompile(`\b\d{13,}\b`)

func TestScenarios(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(scenarioDir, "*", "signals.txt"))
	if len(dirs) < 16 {
		t.Fatalf("found %d scenarios, want one per CONTRACT §3 row (9) and per §6/§7/§14 case (7)", len(dirs))
	}
	for _, sig := range dirs {
		dir := filepath.Dir(sig)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			steps := mustSteps(t, sig)
			var layers []map[string]any
			if b, err := os.ReadFile(filepath.Join(dir, "policy.yaml")); err == nil {
				l, err := config.ParseYAML(b)
				if err != nil {
					t.Fatal(err)
				}
				layers = append(layers, l)
			}
			h := newHarness(t, layers...)
			h.play(steps)
			got := golden(t, h.rec.Events())
			if m := longDigits.Find(got); m != nil {
				t.Errorf("a whole card or account number left the core: %s", m)
			}
			wantPath := filepath.Join(dir, "want.jsonl")
			if *update {
				if err := os.WriteFile(wantPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatalf("%v (run go test ./agent/terminal -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("outputs differ from %s (rerun with -update if the change is meant):\n%s", wantPath, firstDiff(got, want))
			}
		})
	}
}

func mustSteps(t testing.TB, path string) []scenario.Step {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	steps, err := scenario.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return steps
}

// golden renders events as JSON lines, leaving out the agent's own
// heartbeats, which would only be noise.
func golden(t testing.TB, events []agenttest.Event) []byte {
	var buf bytes.Buffer
	for _, e := range events {
		if e.Out == "frame" && e.Type == "HB" {
			continue
		}
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

func firstDiff(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl []byte
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if !bytes.Equal(gl, wl) {
			return fmt.Sprintf("line %d\n got: %s\nwant: %s", i+1, gl, wl)
		}
	}
	return ""
}

// The privacy scan finds a whole number wherever it stands in JSON or a
// frame, and does not mistake a run of digits inside a hex key for one.
func TestLongDigitsTellsNumbersFromKeys(t *testing.T) {
	for _, s := range []string{`"6217009999888877776"`, `acct=6217009999888877776 new=1`, `6222021234563445`} {
		if !longDigits.MatchString(s) {
			t.Errorf("%q: whole number not found", s)
		}
	}
	for _, s := range []string{`"key":"9e4d4240950295159c53f3"`, `"key":"4240950295159abc"`, `622202******3445`} {
		if longDigits.MatchString(s) {
			t.Errorf("%q: taken for a whole number", s)
		}
	}
}
