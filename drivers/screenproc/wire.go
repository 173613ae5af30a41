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

// readLoop reads tgscreen's messages until its output ends: ready goes to
// the write loop, input to Inputs, shown to OnShown.
func (p *Proc) readLoop(r io.Reader, ready chan<- struct{}) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1024), maxLine)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		m, err := decodeLine(sc.Bytes())
		if err != nil {
			p.log.Warn().Err(err).Msg("bad line from screen process")
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
			case p.inputs <- m:
			default:
				p.log.Warn().Str("source", m.Source).Msg("input dropped: nobody reads Inputs")
			}
		case screen.MsgShown:
			if p.cfg.OnShown != nil {
				p.cfg.OnShown(m.Seq)
			}
		default:
			p.log.Debug().Str("type", m.Type).Msg("unknown message type ignored")
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("screenproc: read: %w", err)
	}
	return nil
}
