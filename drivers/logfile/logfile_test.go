package logfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRotatesBySizeAndKeepsN writes 20 lines of 50 bytes into 200-byte
// files keeping 3: the newest lines are in the current file, older ones in
// .1…3 in order, nothing older survives, no file is over the limit and no
// line is split.
func TestRotatesBySizeAndKeepsN(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs", "tgagent.log")
	w, err := Open(path, 200, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		line := fmt.Sprintf("%-49s\n", fmt.Sprintf(`{"n":%d}`, i))
		if _, err := w.Write([]byte(line)); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := map[string][]int{path: {16, 17, 18, 19}, path + ".1": {12, 13, 14, 15}, path + ".2": {8, 9, 10, 11}, path + ".3": {4, 5, 6, 7}}
	for name, nums := range want {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(name), err)
		}
		if len(b) > 200 {
			t.Errorf("%s: %d bytes, want at most 200", filepath.Base(name), len(b))
		}
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			got = append(got, strings.TrimSpace(l))
		}
		var wantLines []string
		for _, n := range nums {
			wantLines = append(wantLines, fmt.Sprintf(`{"n":%d}`, n))
		}
		if strings.Join(got, "|") != strings.Join(wantLines, "|") {
			t.Errorf("%s: got %v, want %v", filepath.Base(name), got, wantLines)
		}
	}
	if _, err := os.Stat(path + ".4"); !os.IsNotExist(err) {
		t.Errorf(".4 exists (err %v), want only 3 old files kept", err)
	}
}

// TestAppendsAcrossRestarts: a restarted agent continues the same file and
// counts its existing size toward the limit.
func TestAppendsAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.log")
	for range 2 {
		w, err := Open(path, 100, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(strings.Repeat("x", 39) + "\n")); err != nil {
			t.Fatal(err)
		}
		w.Close()
	}
	if b, _ := os.ReadFile(path); len(b) != 80 {
		t.Fatalf("after two runs: %d bytes, want 80 (appended)", len(b))
	}
	w, _ := Open(path, 100, 1)
	w.Write([]byte(strings.Repeat("y", 39) + "\n"))
	w.Close()
	if b, _ := os.ReadFile(path + ".1"); len(b) != 80 {
		t.Fatalf(".1: %d bytes, want the 80 written before the limit", len(b))
	}
}

func TestOpenRejectsNonsense(t *testing.T) {
	for _, c := range []struct {
		max  int64
		keep int
	}{{0, 1}, {100, 0}, {-1, 3}} {
		if _, err := Open(filepath.Join(t.TempDir(), "x.log"), c.max, c.keep); err == nil {
			t.Errorf("Open(max %d, keep %d): no error", c.max, c.keep)
		}
	}
}
