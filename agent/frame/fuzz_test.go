package frame

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/transferguard/transferguard/agent/wire"
)

// seedFromTestdata adds every raw capture as a fuzz seed.
func seedFromTestdata(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.bin")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
}

// FuzzDecode feeds arbitrary bytes: the decoder must not panic, and every
// frame it accepts must re-encode and decode to the same Frame.
func FuzzDecode(f *testing.F) {
	seedFromTestdata(f)
	f.Add([]byte(wireBytes("TG1,1,HB,up=5")))
	f.Add([]byte("$TG1,1,HB,up=%41*0000\n$\n$$\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, r := range decodeAll(t, in) {
			if r.Err != nil {
				if r.Err.Seq < -1 || r.Err.Seq > 0xFFFF {
					t.Fatalf("seq %d out of range", r.Err.Seq)
				}
				continue
			}
			checkRoundTrip(t, r.Frame)
		}
	})
}

// FuzzRoundTrip encodes frames built from arbitrary parts: Encode either
// refuses them or produces bytes that decode to the same Frame.
func FuzzRoundTrip(f *testing.F) {
	f.Add(uint16(7), "PAYEE", "name", "张三,李四=*$%\r\n", "bank", "")
	f.Add(uint16(65535), "HB", "up", "5", "", "")
	f.Add(uint16(0), "bad type", "Key", "\xff", "k", "v")
	f.Fuzz(func(t *testing.T, seq uint16, typ, k1, v1, k2, v2 string) {
		in := Frame{Seq: seq, Type: wire.FrameType(typ), Fields: []Field{{k1, v1}, {k2, v2}}}
		b, err := Encode(in)
		if err != nil {
			return
		}
		rs := decodeAll(t, b)
		if len(rs) != 1 || rs[0].Err != nil || !sameFrame(rs[0].Frame, in) {
			t.Fatalf("Encode(%+v) = %q decodes to %+v", in, b, rs)
		}
	})
}

// checkRoundTrip re-encodes a decoded frame and decodes it again. A frame
// that arrived with a bare LF at exactly MaxLen is one byte too long once
// written with CRLF; that is the only case Encode may refuse.
func checkRoundTrip(t *testing.T, fr Frame) {
	t.Helper()
	b, err := Encode(fr)
	if err != nil {
		raw := appendFrame(nil, fr)
		if !errors.Is(err, ErrTooLong) || len(raw) != MaxLen+1 {
			t.Fatalf("decoded frame %+v does not re-encode: %v", fr, err)
		}
		b = raw[:len(raw)-2]
		b = append(b, '\n')
	}
	rs := decodeAll(t, b)
	if len(rs) != 1 || rs[0].Err != nil || !sameFrame(rs[0].Frame, fr) {
		t.Fatalf("re-encoded %q decodes to %+v, want %+v", b, rs, fr)
	}
}
