package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/pan"
	"github.com/transferguard/transferguard/agent/wire"
)

// printer writes what the Player does and sees, one line per item, either
// for a person or as JSON lines for a program. Card and account numbers
// are masked even here: a terminal log is the first place they leak from.
type printer struct {
	mu    sync.Mutex
	w     io.Writer
	json  bool
	quiet bool
	start time.Time
}

// line is one JSON output line; see docs/tgsim.md.
type line struct {
	T         float64           `json:"t"`
	Dir       string            `json:"dir,omitempty"` // out: to the agent; in: from the agent
	Seq       *int              `json:"seq,omitempty"`
	Type      string            `json:"type,omitempty"`
	Fields    map[string]string `json:"fields,omitempty"`
	Raw       string            `json:"raw,omitempty"`
	Error     string            `json:"error,omitempty"`
	LatencyMS *float64          `json:"latency_ms,omitempty"`
	Event     string            `json:"event,omitempty"`
	Line      int               `json:"line,omitempty"`
	Msg       string            `json:"msg,omitempty"`
}

// sent prints a frame written to the agent.
func (o *printer) sent(f frame.Frame) {
	if o.quiet && f.Type == "HB" {
		return
	}
	seq := int(f.Seq)
	o.emit(line{Dir: "out", Seq: &seq, Type: string(f.Type), Fields: fieldMap(f)},
		fmt.Sprintf("→ %s #%d%s", f.Type, f.Seq, fieldText(f)))
}

// raw prints bytes written as they are.
func (o *printer) raw(b []byte) {
	q := maskDigits(string(b))
	o.emit(line{Dir: "out", Raw: q}, "→ raw "+strconv.Quote(q))
}

// received prints a frame from the agent; hb marks a heartbeat or the ACK
// of one, which --quiet leaves out.
func (o *printer) received(r Received, latency time.Duration, hb bool) {
	if o.quiet && hb {
		return
	}
	if r.Err != nil {
		o.emit(line{Dir: "in", Error: string(r.Err.Reason)}, "← undecodable frame: "+string(r.Err.Reason))
		return
	}
	l := line{Dir: "in", Type: string(r.Frame.Type), Fields: fieldMap(r.Frame)}
	text := "← " + string(r.Frame.Type) + fieldText(r.Frame)
	if latency > 0 {
		ms := float64(latency.Microseconds()) / 1000
		l.LatencyMS = &ms
		text += fmt.Sprintf("  (%.2f ms)", ms)
	}
	if r.Frame.Type == "NAK" {
		text = "← NAK" + fieldText(r.Frame) + "  !"
	}
	text += tellerNote(r.Frame)
	o.emit(l, text)
}

// event prints a step outcome tied to a scenario line: expect, nak, fail.
func (o *printer) event(kind string, lineNo int, msg string) {
	mark := map[string]string{"expect": "✓", "nak": "!", "fail": "✗", "skip": "-"}[kind]
	where := ""
	if lineNo > 0 {
		where = fmt.Sprintf("line %d: ", lineNo)
	}
	o.emit(line{Event: kind, Line: lineNo, Msg: msg}, mark+" "+where+msg)
}

// note prints something the player did on its own (a retransmission) or
// where it is (the scenario it starts).
func (o *printer) note(kind, msg string) {
	mark := "#"
	if kind == "retransmit" || kind == "again" {
		mark = "↻"
	}
	o.emit(line{Event: kind, Msg: msg}, mark+" "+msg)
}

// emit writes l as JSON or text, with the time since start.
func (o *printer) emit(l line, text string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	t := time.Since(o.start)
	if o.json {
		l.T = float64(t.Milliseconds()) / 1000
		b, err := json.Marshal(l)
		if err != nil {
			return
		}
		_, _ = o.w.Write(append(b, '\n'))
		return
	}
	_, _ = fmt.Fprintf(o.w, "%8.3f %s\n", t.Seconds(), text)
}

// fieldMap returns the fields of f with numbers masked.
func fieldMap(f frame.Frame) map[string]string {
	if len(f.Fields) == 0 {
		return nil
	}
	m := make(map[string]string, len(f.Fields))
	for _, kv := range f.Fields {
		m[kv.Key] = maskDigits(kv.Value)
	}
	return m
}

// fieldText renders " k=v k=v" in wire order, quoting values with spaces.
func fieldText(f frame.Frame) string {
	var b strings.Builder
	for _, kv := range f.Fields {
		v := maskDigits(kv.Value)
		if v == "" || strings.ContainsAny(v, " \t\"") {
			v = strconv.Quote(v)
		}
		b.WriteString(" " + kv.Key + "=" + v)
	}
	return b.String()
}

// describe renders a frame the way a scenario line writes it.
func describe(f frame.Frame) string { return string(f.Type) + fieldText(f) }

var longDigits = regexp.MustCompile(`[0-9]{13,19}`)

// maskDigits masks every run of 13 to 19 digits (a card or account number)
// as first 6 and last 4.
func maskDigits(s string) string {
	return longDigits.ReplaceAllStringFunc(s, pan.Mask)
}

// tellerNote is a line for the person playing the teller under an ASK or
// ADVICE frame: the question to put, or what to do now.
func tellerNote(f frame.Frame) string {
	switch f.Type {
	case wire.Ask:
		how := "yes|no"
		switch wire.QuestionKind(f.Value("kind")) {
		case wire.QuestionPhone:
			how = "<digits>|none"
		case wire.QuestionChoice:
			how = f.Value("choices")
		}
		return fmt.Sprintf("\n  ? ASK %s (%s): %s   → answer %s %s", f.Value("q"), f.Value("kind"), f.Value("text"), f.Value("q"), how)
	case wire.Advice:
		return fmt.Sprintf("\n  ! ADVICE %s: %s", f.Value("level"), f.Value("text"))
	}
	return ""
}
