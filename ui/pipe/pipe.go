// Package pipe is tgscreen's end of the screen-process protocol
// (agent/screen/protocol.go, docs/screen-protocol.md): it decodes the
// agent's lines from standard input and encodes tgscreen's replies to
// standard output. It is pure code over bytes, so it is fuzzed and tested
// without a display.
package pipe

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/screen"
)

// MsgShown is sent after the first draw of a screen with a new seq, so the
// agent knows (and can audit) when the customer could see it.
const MsgShown = screen.MsgShown

// MaxLine bounds one message; a screen is a few hundred bytes.
const MaxLine = 256 << 10

// Decode parses one line written by the agent. Unknown fields are ignored
// (the agent may be newer); a show without a screen is an error.
func Decode(line []byte) (screen.ToDisplay, error) {
	var m screen.ToDisplay
	if err := json.Unmarshal(bytes.TrimSpace(line), &m); err != nil {
		return m, fmt.Errorf("pipe: decode: %w", err)
	}
	if m.Type == screen.MsgShow && m.Screen == nil {
		return m, errors.New("pipe: show without a screen")
	}
	return m, nil
}

// Read decodes lines from r and calls show for each show message until r
// ends; it returns nil at end of input (the agent closed the pipe). Bad
// lines and unknown types are logged and skipped.
func Read(r io.Reader, show func(screen.Screen), log zerolog.Logger) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), MaxLine)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		m, err := Decode(sc.Bytes())
		switch {
		case err != nil:
			log.Warn().Err(err).Int("bytes", len(sc.Bytes())).Msg("bad line from agent")
		case m.Type == screen.MsgShow:
			show(*m.Screen)
		default:
			log.Debug().Str("type", m.Type).Msg("unknown message type ignored")
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("pipe: read: %w", err)
	}
	return nil
}

// Writer encodes tgscreen's messages, one JSON object per line. It is safe
// for concurrent use; a write error is returned and the caller decides.
type Writer struct {
	mu sync.Mutex
	w  io.Writer
}

// NewWriter writes to w (tgscreen's standard output).
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

func (w *Writer) send(m screen.FromDisplay) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("pipe: encode %s: %w", m.Type, err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("pipe: write %s: %w", m.Type, err)
	}
	return nil
}

// Ready says the window is up: the agent answers with the current screen.
func (w *Writer) Ready() error { return w.send(screen.FromDisplay{Type: screen.MsgReady}) }

// Input reports a touch, click or key aimed at screen seq; choice is the
// button a touch or click landed in ("" for none).
func (w *Writer) Input(source, key, choice string, seq uint64) error {
	return w.send(screen.FromDisplay{Type: screen.MsgInput, Source: source, Key: key, Seq: seq, Choice: choice})
}

// Shown reports that screen seq has been drawn.
func (w *Writer) Shown(seq uint64) error {
	return w.send(screen.FromDisplay{Type: MsgShown, Seq: seq})
}
