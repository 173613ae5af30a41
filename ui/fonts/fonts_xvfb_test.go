//go:build xvfb

package fonts

import (
	"bytes"
	"os"
	"testing"

	"github.com/hajimehoshi/ebiten/v2/text/v2"
)

// Load parses only the first face of a collection; it must be the same
// face, drawing the same, as the collection's first.
func TestLoadTakesTheCollectionsFirstFace(t *testing.T) {
	b, err := os.ReadFile(DefaultPath)
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := text.NewGoTextFaceSourcesFromCollection(bytes.NewReader(b))
	if err != nil || len(srcs) < 2 {
		t.Fatalf("%s: want a collection of 2 or more faces, got %d (%v)", DefaultPath, len(srcs), err)
	}
	f, err := Load(DefaultPath)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.src.Metadata(), srcs[0].Metadata(); got != want {
		t.Errorf("loaded face %+v, want the first of the collection %+v", got, want)
	}
	for _, s := range []string{"请停一下：转账前请确认", "Stop — is this a scam?", "96110"} {
		for _, size := range []float64{20, 51.5} {
			want := text.Advance(s, &text.GoTextFace{Source: srcs[0], Size: size})
			if got := text.Advance(s, f.Face(size)); got != want {
				t.Errorf("Advance(%q, %v) = %v, want %v as from the collection", s, size, got, want)
			}
		}
	}
}

func TestFirstFaceLeavesOtherFilesAlone(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("ttcf"), []byte("\x00\x01\x00\x00 not a collection at all")} {
		before := bytes.Clone(b)
		if firstFace(b) || !bytes.Equal(b, before) {
			t.Errorf("firstFace(%q) changed it or said it did", before)
		}
	}
	// A collection whose first font points past the end of the file.
	bad := []byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x7f\x00\x00\x00")
	if firstFace(bytes.Clone(bad)) {
		t.Error("firstFace accepted a directory beyond the end of the file")
	}
}
