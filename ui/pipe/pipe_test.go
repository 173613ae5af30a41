package pipe

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/screen"
)

func TestReadShowsEveryScreenAndSkipsJunk(t *testing.T) {
	in := strings.Join([]string{
		`{"type":"show","screen":{"seq":1,"name":"standby","lang":"zh","title":"转账须谨慎，防止被诈骗"}}`,
		`not json`,
		``,
		`{"type":"show"}`,
		`{"type":"future","x":1}`,
		`{"type":"show","screen":{"seq":2,"name":"high_risk","lang":"en","lines":["Please hang up"]},"extra":true}`,
	}, "\n")
	var got []screen.Screen
	if err := Read(strings.NewReader(in), func(s screen.Screen) { got = append(got, s) }, zerolog.Nop()); err != nil {
		t.Fatalf("Read: %v", err)
	}
	if len(got) != 2 || got[0].Seq != 1 || got[1].Name != "high_risk" || got[0].Title != "转账须谨慎，防止被诈骗" {
		t.Errorf("got %+v, want screens 1 (standby) and 2 (high_risk)", got)
	}
}

func TestReadSurvivesAHugeLine(t *testing.T) {
	in := strings.Repeat("x", MaxLine+10) + "\n" + `{"type":"show","screen":{"seq":3}}` + "\n"
	err := Read(strings.NewReader(in), func(screen.Screen) {}, zerolog.Nop())
	if err == nil {
		t.Error("a line over MaxLine was not reported")
	}
}

func TestWriterLines(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	if err := w.Ready(); err != nil {
		t.Fatal(err)
	}
	if err := w.Input(screen.SourceKey, "ENTER", "", 7); err != nil {
		t.Fatal(err)
	}
	if err := w.Input(screen.SourceTouch, "", "stop", 7); err != nil {
		t.Fatal(err)
	}
	if err := w.Shown(7); err != nil {
		t.Fatal(err)
	}
	want := `{"type":"ready"}` + "\n" +
		`{"type":"input","source":"key","key":"ENTER","seq":7}` + "\n" +
		`{"type":"input","source":"touch","seq":7,"choice":"stop"}` + "\n" +
		`{"type":"shown","seq":7}` + "\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func FuzzDecode(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.jsonl"))
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, l := range bytes.Split(b, []byte("\n")) {
			f.Add(l)
		}
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := Decode(line)
		if err == nil && m.Type == screen.MsgShow && m.Screen == nil {
			t.Fatal("show without a screen accepted")
		}
	})
}
