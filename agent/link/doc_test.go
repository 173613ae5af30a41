package link

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/transferguard/transferguard/agent/frame"
)

// docPath is the integrator's protocol document, whose examples must be
// what the code does.
const docPath = "../../docs/serial-protocol.md"

// docBlocks returns the lines of every fenced block of the given info
// string in docPath.
func docBlocks(t *testing.T, info string) []string {
	t.Helper()
	f, err := os.Open(docPath)
	if err != nil {
		t.Fatalf("open protocol doc: %v", err)
	}
	defer f.Close()
	var lines []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "```"):
			in = !in && strings.TrimPrefix(line, "```") == info
		case in && line != "":
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		t.Fatalf("no ```%s blocks in %s", info, docPath)
	}
	return lines
}

// TestDocExamples checks that every frame in a ```tg block is exactly what
// Encode writes for it, and that every ```tg-nak line gets the answer the
// document gives.
func TestDocExamples(t *testing.T) {
	for _, line := range docBlocks(t, "tg") {
		wire := strings.TrimPrefix(strings.TrimPrefix(line, "→ "), "← ") + "\r\n"
		rs := decode(t, wire)
		if len(rs) != 1 || rs[0].Err != nil {
			t.Errorf("doc frame %q decodes to %+v, want one valid frame", line, rs)
			continue
		}
		if b, err := frame.Encode(rs[0].Frame); err != nil || string(b) != wire {
			t.Errorf("doc frame %q: Encode writes %q (%v)", line, b, err)
		}
	}
	l := New()
	for _, line := range docBlocks(t, "tg-nak") {
		sent, want, ok := strings.Cut(line, " ⇒ ")
		if !ok {
			t.Errorf("doc line %q has no ⇒", line)
			continue
		}
		rs := decode(t, sent+"\r\n")
		if len(rs) != 1 {
			t.Errorf("doc line %q: %d results, want 1", sent, len(rs))
			continue
		}
		reply, _ := l.Receive(rs[0])
		got := "(no answer)"
		if reply.Type != "" {
			b, err := frame.Encode(reply)
			if err != nil {
				t.Fatal(err)
			}
			got = string(b[len("$TG1,0,") : len(b)-len("*XXXX\r\n")])
		}
		if got != want {
			t.Errorf("doc says %q ⇒ %q, the agent answers %q", sent, want, got)
		}
	}
}
