// Package scenario reads the scenario files tgsim plays onto a serial line
// and the scenario tests replay against the core: one step per line, in a
// form an integrator can write by hand. docs/scenarios.md is the reference.
//
//	# a comment
//	START channel=ATM age=67 card=6222021234563445 lang=zh   send a frame
//	+2s FUNC fn=TRANSFER                                      wait 2 s, then send
//	PAYEE acct=6217001234567890123 name="Li Si" new=1         quote values with spaces
//	wait 10s                                                  let time pass (heartbeats go on)
//	silence 16s                                               let time pass with no heartbeat
//	expect HOLD reason=risk_high within 1s                    wait for a matching frame from the agent
//	raw "$TG1,7,START*0000\r\n"                               send bytes as they are (Go string syntax)
//	touch continue                                            the customer touches a button on the agent's screen
//	touch                                                     … or the screen outside every button
//	dispatch claimed guard_name=王师傅 eta_s=120               a guard console's word on the session's alert
//	+40s restart lost                                         the agent dies, is down 40 s, starts again (its resume snapshot lost)
//
// touch, dispatch and restart do not travel on the serial line: the core's
// tests play them, tgsim reports them as skipped.
package scenario

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/wire"
)

// Kinds of step.
const (
	Send    = "send"
	Wait    = "wait"
	Silence = "silence"
	Expect  = "expect"
	Raw     = "raw"
	// Touch: a touch on the agent's own screen; Choice is the button id,
	// "" for a touch outside every button.
	Touch = "touch"
	// Dispatch: a guard console's dispatch for the session's alert; Frame
	// holds state= and the other dispatch fields.
	Dispatch = "dispatch"
	// Restart: the agent dies (SIGKILL) and starts again over the same
	// state directory after Delay; Choice is RestartLost when the resume
	// snapshot is lost meanwhile, "" when it is kept.
	Restart = "restart"
)

// RestartLost is the restart variant whose resume snapshot is gone.
const RestartLost = "lost"

// DefaultWithin is how long an expect waits when the line gives no
// `within`.
const DefaultWithin = 2 * time.Second

// Step is one line of a scenario.
type Step struct {
	Line  int
	Kind  string
	Delay time.Duration // before a send; the duration of wait and silence
	Frame frame.Frame   // send: the frame (seq assigned by the player); expect: type and fields to match
	Raw   []byte
	// Within bounds an expect.
	Within time.Duration
	// Choice is the button a touch landed in.
	Choice string
}

// Parse reads a whole scenario; errors name the line.
func Parse(b []byte) ([]Step, error) {
	var steps []Step
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		st, err := ParseLine(line)
		if err != nil {
			return nil, fmt.Errorf("scenario line %d: %w", n, err)
		}
		st.Line = n
		steps = append(steps, st)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	return steps, nil
}

// ParseLine reads one step, as typed in tgsim's interactive mode too.
func ParseLine(line string) (Step, error) {
	words, err := split(line)
	if err != nil {
		return Step{}, err
	}
	if len(words) == 0 {
		return Step{}, fmt.Errorf("empty step")
	}
	var st Step
	if strings.HasPrefix(words[0], "+") {
		if st.Delay, err = time.ParseDuration(words[0][1:]); err != nil || st.Delay < 0 {
			return Step{}, fmt.Errorf("bad delay %q", words[0])
		}
		words = words[1:]
		if len(words) == 0 {
			return Step{}, fmt.Errorf("delay with no frame")
		}
	}
	switch words[0] {
	case Wait, Silence:
		if len(words) != 2 {
			return Step{}, fmt.Errorf("%s takes one duration", words[0])
		}
		d, err := time.ParseDuration(words[1])
		if err != nil || d < 0 {
			return Step{}, fmt.Errorf("bad duration %q", words[1])
		}
		return Step{Kind: words[0], Delay: st.Delay + d}, nil
	case Raw:
		if len(words) != 2 {
			return Step{}, fmt.Errorf(`raw takes one quoted string, e.g. raw "$TG1,1,HB*0000\r\n"`)
		}
		return Step{Kind: Raw, Delay: st.Delay, Raw: []byte(words[1])}, nil
	case Touch:
		if len(words) > 2 {
			return Step{}, fmt.Errorf("touch takes at most one button id, e.g. touch continue")
		}
		st.Kind = Touch
		if len(words) == 2 {
			st.Choice = words[1]
		}
		return st, nil
	case Restart:
		if len(words) > 2 || (len(words) == 2 && words[1] != RestartLost) {
			return Step{}, fmt.Errorf("restart takes nothing or %q, e.g. +3s restart", RestartLost)
		}
		st.Kind = Restart
		if len(words) == 2 {
			st.Choice = words[1]
		}
		return st, nil
	case Dispatch:
		if len(words) < 2 || strings.Contains(words[1], "=") {
			return Step{}, fmt.Errorf("dispatch needs a state, e.g. dispatch claimed guard_name=王师傅 eta_s=120")
		}
		f, err := parseFrame(words[1:])
		st.Kind, st.Frame = Dispatch, f
		st.Frame.Type = ""
		st.Frame.Fields = append([]frame.Field{{Key: "state", Value: words[1]}}, f.Fields...)
		return st, err
	case Expect:
		st.Kind, st.Within = Expect, DefaultWithin
		words = words[1:]
		if n := len(words); n >= 2 && words[n-2] == "within" {
			if st.Within, err = time.ParseDuration(words[n-1]); err != nil {
				return Step{}, fmt.Errorf("bad within %q", words[n-1])
			}
			words = words[:n-2]
		}
	default:
		st.Kind = Send
	}
	f, err := parseFrame(words)
	st.Frame = f
	return st, err
}

func parseFrame(words []string) (frame.Frame, error) {
	if len(words) == 0 {
		return frame.Frame{}, fmt.Errorf("missing frame type")
	}
	f := frame.Frame{Type: wire.FrameType(strings.ToUpper(words[0]))}
	for _, w := range words[1:] {
		k, v, ok := strings.Cut(w, "=")
		if !ok || k == "" {
			return frame.Frame{}, fmt.Errorf("%q is not key=value", w)
		}
		f.Fields = append(f.Fields, frame.Field{Key: k, Value: v})
	}
	return f, nil
}

// split breaks a line into words; a double-quoted part is Go string
// syntax and may hold spaces or escapes.
func split(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '"':
			q, err := strconv.QuotedPrefix(line[i:])
			if err != nil {
				return nil, fmt.Errorf("bad quoted string at column %d: %w", i+1, err)
			}
			s, _ := strconv.Unquote(q)
			cur.WriteString(s)
			i += len(q) - 1
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// Matches reports whether got has want's type and every field want names
// with the same value (other fields are ignored).
func Matches(want, got frame.Frame) bool {
	if want.Type != got.Type {
		return false
	}
	for _, kv := range want.Fields {
		if v, ok := got.Get(kv.Key); !ok || v != kv.Value {
			return false
		}
	}
	return true
}
