package screenproc

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/transferguard/transferguard/agent/screen"
)

// maxLine bounds one line from tgscreen; its messages are tiny.
const maxLine = 64 << 10

// decodeLine parses one line written by tgscreen.
func decodeLine(line []byte) (screen.FromDisplay, error) {
	var m screen.FromDisplay
	if err := json.Unmarshal(bytes.TrimSpace(line), &m); err != nil {
		return m, fmt.Errorf("screenproc: decode: %w", err)
	}
	return m, nil
}

func writeShow(w io.Writer, s screen.Screen) error {
	b, err := json.Marshal(screen.ToDisplay{Type: screen.MsgShow, Screen: &s})
	if err != nil {
		return fmt.Errorf("screenproc: encode screen: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("screenproc: write screen: %w", err)
	}
	return nil
}

// newScanner splits the screen's output into lines of at most maxLine.
func newScanner(r io.Reader) *bufio.Scanner {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1024), maxLine)
	return sc
}

// readLoop reads the screen's messages until its output ends: ready goes to
// the write loop, input to Inputs, shown to OnShown.
func (h *hub) readLoop(sc *bufio.Scanner, ready chan<- struct{}) error {
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		m, err := decodeLine(sc.Bytes())
		if err != nil {
			h.log.Warn().Err(err).Msg("bad line from screen process")
			continue
		}
		switch m.Type {
		case screen.MsgReady:
			select {
			case ready <- struct{}{}:
			default:
			}
		case screen.MsgInput:
			select {
			case h.inputs <- m:
			default:
				h.log.Warn().Str("source", m.Source).Msg("input dropped: nobody reads Inputs")
			}
		case screen.MsgHello: // a token where none is asked for (unix socket)
		case screen.MsgShown:
			if h.onShown != nil {
				h.onShown(m.Seq)
			}
		default:
			h.log.Debug().Str("type", m.Type).Msg("unknown message type ignored")
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("screenproc: read: %w", err)
	}
	return nil
}
