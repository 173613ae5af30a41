package frame

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.jsonl from the decoder's output")

// goldenLine is one decoded result as stored in a golden file.
type goldenLine struct {
	Seq    int         `json:"seq"`
	Type   string      `json:"type,omitempty"`
	Fields [][2]string `json:"fields,omitempty"`
	Raw    string      `json:"raw,omitempty"`
	Err    string      `json:"err,omitempty"`
}

// render turns results into the JSON lines of a golden file.
func render(t *testing.T, rs []Result) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, r := range rs {
		g := goldenLine{Seq: int(r.Frame.Seq), Type: string(r.Frame.Type)}
		if r.Err != nil {
			g = goldenLine{Seq: r.Err.Seq, Err: string(r.Err.Reason)}
		} else {
			g.Raw = string(r.Raw)
		}
		for _, kv := range r.Frame.Fields {
			g.Fields = append(g.Fields, [2]string{kv.Key, kv.Value})
		}
		if err := enc.Encode(g); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// TestGolden decodes each raw capture in testdata/ in one piece and in
// 3-byte pieces, and compares the results with its .golden.jsonl.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.bin")
	if err != nil || len(files) == 0 {
		t.Fatalf("no captures in testdata: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".bin")
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := render(t, decodeAll(t, in))
			if split := render(t, decodeChunks(in, 3)); !bytes.Equal(split, got) {
				t.Errorf("3-byte writes decode differently:\n%s\nwhole:\n%s", split, got)
			}
			golden := strings.TrimSuffix(file, ".bin") + ".golden.jsonl"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// decodeChunks feeds in to a new Decoder size bytes at a time.
func decodeChunks(in []byte, size int) []Result {
	d := NewDecoder()
	var out []Result
	for i := 0; i < len(in); i += size {
		d.Feed(in[i:min(i+size, len(in))], func(r Result) {
			r.Raw = append([]byte(nil), r.Raw...)
			out = append(out, r)
		})
	}
	return out
}
