//go:build linux

package sim

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/scenario"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/internal/syncbuf"
)

// fakeAgent is the agent's end of the pty: it decodes what the player
// sends and answers as the test tells it.
type fakeAgent struct {
	t    testing.TB
	f    *os.File
	mu   sync.Mutex
	raws []string // every frame's bytes between $ and *, in order received
	// ignore counts how many transmissions of a seq go unanswered.
	ignore map[uint16]int
	// reply returns extra frames to send after the ACK; nak returns a NAK
	// reason instead of ACK ("" for ACK).
	reply func(frame.Frame) []frame.Frame
	nak   func(frame.Frame) string
	done  chan struct{}
	out   uint16
}

// newPair opens a pty, a Player on its master and a fakeAgent on its slave.
func newPair(t *testing.T, opt Options, setup func(*fakeAgent)) (*Player, *fakeAgent, *syncbuf.Buffer) {
	t.Helper()
	pt, err := OpenPTY("")
	if err != nil {
		t.Fatal(err)
	}
	fd, err := syscall.Open(pt.Slave, syscall.O_RDWR|syscall.O_NOCTTY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	a := &fakeAgent{t: t, f: os.NewFile(uintptr(fd), pt.Slave), ignore: map[uint16]int{}, done: make(chan struct{})}
	if setup != nil {
		setup(a)
	}
	go a.serve()
	out := &syncbuf.Buffer{}
	if opt.Out == nil {
		opt.Out = out
	}
	if opt.AckTimeout == 0 {
		opt.AckTimeout = 50 * time.Millisecond
	}
	if opt.Heartbeat == 0 {
		opt.Heartbeat = -1
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := New(ctx, pt, opt)
	t.Cleanup(func() {
		cancel()
		p.Close()
		a.f.Close()
		<-a.done
	})
	return p, a, out
}

func (a *fakeAgent) serve() {
	defer close(a.done)
	d := frame.NewDecoder()
	buf := make([]byte, 1024)
	for {
		n, err := a.f.Read(buf)
		d.Feed(buf[:n], a.handle)
		if err != nil {
			return
		}
	}
}

func (a *fakeAgent) handle(r frame.Result) {
	a.mu.Lock()
	a.raws = append(a.raws, string(r.Raw))
	skip := r.Err == nil && a.ignore[r.Frame.Seq] > 0
	if skip {
		a.ignore[r.Frame.Seq]--
	}
	a.mu.Unlock()
	if skip {
		return
	}
	if r.Err != nil {
		ref := ""
		if r.Err.Seq >= 0 {
			ref = strconv.Itoa(r.Err.Seq)
		}
		a.send(frame.New(wire.Nak, "ref", ref, "reason", string(r.Err.Reason)))
		return
	}
	ref := strconv.Itoa(int(r.Frame.Seq))
	if a.nak != nil {
		if reason := a.nak(r.Frame); reason != "" {
			a.send(frame.New("NAK", "ref", ref, "reason", reason))
			return
		}
	}
	a.send(frame.New("ACK", "ref", ref))
	if a.reply != nil {
		for _, f := range a.reply(r.Frame) {
			a.send(f)
		}
	}
}

func (a *fakeAgent) send(f frame.Frame) {
	f.Seq = a.out
	a.out++
	b, err := frame.Encode(f)
	if err != nil {
		a.t.Errorf("fake agent encode: %v", err)
		return
	}
	_, _ = a.f.Write(b)
}

// received returns the frames' bytes the agent got so far.
func (a *fakeAgent) received() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.raws...)
}

func steps(t *testing.T, text string) []scenario.Step {
	t.Helper()
	st, err := scenario.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// screenOnStart answers START with a reminder SCREEN, as the agent does.
func screenOnStart(a *fakeAgent) {
	a.reply = func(f frame.Frame) []frame.Frame {
		if f.Type == "START" {
			return []frame.Frame{frame.New("SCREEN", "name", "reminder", "sid", "s1")}
		}
		return nil
	}
}

func TestPlayPrintsAnswersAndMeetsExpects(t *testing.T) {
	p, a, out := newPair(t, Options{}, screenOnStart)
	err := p.Play(context.Background(), steps(t, `
HELLO proto=1 model=SIM fw=1
START channel=ATM card=6222021234563445 age=67
expect SCREEN name=reminder within 1s
+20ms END
`))
	if err != nil {
		t.Fatalf("play: %v\n%s", err, out)
	}
	got := a.received()
	if len(got) != 3 || !strings.HasPrefix(got[1], "TG1,1,START,channel=ATM") {
		t.Errorf("agent received %q, want HELLO, START, END with seq 0, 1, 2", got)
	}
	text := out.String()
	for _, want := range []string{"← ACK ref=1", "← SCREEN name=reminder sid=s1", "✓ line 4: seen: SCREEN name=reminder", "→ END #2"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "6222021234563445") {
		t.Errorf("output holds the whole card number:\n%s", text)
	}
	if s := p.Stats(); s.Acks != 3 || len(s.Latencies) != 3 {
		t.Errorf("stats %+v, want 3 ACKs with 3 latencies", s)
	}
}

func TestRetransmitsSameBytesWhenNoAck(t *testing.T) {
	p, a, out := newPair(t, Options{AckTimeout: 300 * time.Millisecond}, func(a *fakeAgent) { a.ignore[1] = 2 })
	if err := p.Play(context.Background(), steps(t, "HELLO proto=1\nFUNC fn=TRANSFER\n")); err != nil {
		t.Fatalf("play: %v\n%s", err, out)
	}
	got := a.received()
	if len(got) != 4 || got[1] != got[2] || got[2] != got[3] {
		t.Errorf("agent received %q, want HELLO then FUNC three times, same bytes", got)
	}
	if s := p.Stats(); s.Retransmits != 2 || s.Unanswered != 0 {
		t.Errorf("stats %+v, want 2 retransmits, 0 unanswered", s)
	}
	if n := strings.Count(out.String(), "retransmitted"); n != 2 {
		t.Errorf("output tells of %d retransmissions, want 2:\n%s", n, out)
	}
}

func TestGivesUpAfterRetries(t *testing.T) {
	p, a, out := newPair(t, Options{Retries: 3}, func(a *fakeAgent) { a.ignore[0] = 100 })
	err := p.Play(context.Background(), steps(t, "# comment\nSTART channel=ATM\n"))
	if !errors.Is(err, ErrUnanswered) || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("err = %v, want ErrUnanswered naming line 2", err)
	}
	if n := len(a.received()); n != 4 {
		t.Errorf("agent received %d transmissions, want 1 + 3 retries", n)
	}
	if !strings.Contains(out.String(), "✗ line 2") {
		t.Errorf("output does not report the failure:\n%s", out)
	}
}

func TestExpectNotSeenFailsNamingTheLine(t *testing.T) {
	p, _, out := newPair(t, Options{}, screenOnStart)
	err := p.Play(context.Background(), steps(t, `HELLO proto=1
START channel=ATM
expect HOLD reason=risk_high within 200ms
END
`))
	if err == nil {
		t.Fatal("play succeeded, want the expect on line 3 to fail")
	}
	for _, want := range []string{"line 3", "expected HOLD reason=risk_high", "SCREEN name=reminder"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(out.String(), "→ END") {
		t.Errorf("play went on after the failed expect:\n%s", out)
	}
}

func TestExpectMatchesOnlyAfterThePreviousOne(t *testing.T) {
	p, _, out := newPair(t, Options{}, screenOnStart)
	err := p.Play(context.Background(), steps(t, `START channel=ATM
expect SCREEN name=reminder
expect SCREEN name=reminder within 150ms
`))
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("err = %v, want line 3 to fail: one reminder cannot meet two expects\n%s", err, out)
	}
}

func TestNakIsReportedAndCounted(t *testing.T) {
	p, _, out := newPair(t, Options{}, func(a *fakeAgent) {
		a.nak = func(f frame.Frame) string {
			if f.Type == "BOGUS" {
				return "UNKNOWN_TYPE"
			}
			return ""
		}
	})
	err := p.Play(context.Background(), steps(t, "BOGUS x=1\nexpect NAK reason=UNKNOWN_TYPE\nHB up=1\n"))
	if err != nil {
		t.Fatalf("play: %v", err)
	}
	if !strings.Contains(out.String(), "! line 1: BOGUS was refused: NAK reason=UNKNOWN_TYPE") {
		t.Errorf("output does not report the NAK:\n%s", out)
	}
	if s := p.Stats(); s.Naks != 1 || s.Retransmits != 0 {
		t.Errorf("stats %+v, want 1 NAK and no retransmission", s)
	}
}

func TestRawBytesGoAsTheyAre(t *testing.T) {
	p, a, out := newPair(t, Options{}, nil)
	err := p.Play(context.Background(), steps(t, `raw "noise$TG1,9,HB*0000\r\n"
expect NAK ref=9 reason=CRC within 500ms
`))
	if err != nil {
		t.Fatalf("play: %v\n%s", err, out)
	}
	if got := a.received(); len(got) != 1 || got[0] != "TG1,9,HB" {
		t.Errorf("agent received %q, want the raw frame", got)
	}
}

func TestAgainResendsSameSeqAndBytes(t *testing.T) {
	p, a, _ := newPair(t, Options{}, nil)
	ctx := context.Background()
	if _, err := p.SendFrame(ctx, "KEY", "key", "ENTER"); err != nil {
		t.Fatal(err)
	}
	ans, err := p.Again(ctx)
	if err != nil || ans.Type != "ACK" || ans.Value("ref") != "0" {
		t.Fatalf("again: %v %v, want ACK ref=0", ans, err)
	}
	if got := a.received(); len(got) != 2 || got[0] != got[1] {
		t.Errorf("agent received %q, want the same frame twice", got)
	}
}

func TestHeartbeatsExceptInSilence(t *testing.T) {
	p, a, _ := newPair(t, Options{Heartbeat: 40 * time.Millisecond}, nil)
	ctx := context.Background()
	if err := p.Step(ctx, scenario.Step{Kind: scenario.Wait, Delay: 150 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	hb := countHB(a.received())
	if hb < 2 {
		t.Errorf("%d heartbeats in 150 ms at a 40 ms period, want at least 2", hb)
	}
	// A heartbeat written just before the silence may still be on its way:
	// count from a moment into the silence.
	done := make(chan error, 1)
	go func() { done <- p.Step(ctx, scenario.Step{Kind: scenario.Silence, Delay: 150 * time.Millisecond}) }()
	time.Sleep(30 * time.Millisecond)
	hb = countHB(a.received())
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if after := countHB(a.received()); after != hb {
		t.Errorf("%d heartbeats during a silence, want none", after-hb)
	}
}

func countHB(raws []string) int {
	n := 0
	for _, r := range raws {
		if strings.HasSuffix(strings.SplitN(r, ",", 4)[2], "HB") {
			n++
		}
	}
	return n
}

func TestJSONLinesMaskNumbers(t *testing.T) {
	p, _, out := newPair(t, Options{JSON: true}, screenOnStart)
	err := p.Play(context.Background(), steps(t, "START channel=ATM card=6222021234563445\nexpect SCREEN\n"))
	if err != nil {
		t.Fatal(err)
	}
	var sawIn, sawCard bool
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m line
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q: %v", l, err)
		}
		if m.Dir == "in" && m.Type == "ACK" && m.LatencyMS != nil {
			sawIn = true
		}
		if m.Fields["card"] == "622202******3445" {
			sawCard = true
		}
	}
	if !sawIn || !sawCard {
		t.Errorf("want an ACK with latency_ms and the masked card in:\n%s", out)
	}
	if strings.Contains(out.String(), "6222021234563445") {
		t.Error("JSON output holds the whole card number")
	}
}

func TestLineGoneEndsPlay(t *testing.T) {
	p, a, _ := newPair(t, Options{}, nil)
	a.f.Close()
	<-a.done
	p.Close()
	err := p.Step(context.Background(), scenario.Step{Kind: scenario.Wait, Delay: time.Second})
	if err == nil {
		t.Fatal("wait on a closed line succeeded")
	}
}
