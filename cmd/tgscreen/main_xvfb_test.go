//go:build xvfb

package main

// tgscreen links Ebiten, which panics at start-up without a display: these
// tests run under Xvfb (scripts/test-ui.sh). Only one test may start the
// Ebiten loop (TestPreviewWritesAPNG).

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

func TestParseFlags(t *testing.T) {
	for _, c := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"--fullscreen", "--font", "/x.ttc"}, ""},
		{[]string{"--preview", "high_risk", "--lang", "en", "--out", "a.png"}, ""},
		{[]string{"--preview", "high_risk"}, "--out"},
		{[]string{"--out", "a.png"}, "only go with --preview"},
		{[]string{"--preview", "x", "--out", "a", "--config", "c", "--screen", "s"}, "give one"},
		{[]string{"--width", "10"}, "64..8192"},
		{[]string{"--log-level", "loud"}, "--log-level"},
		{[]string{"--bogus"}, "bogus"},
		{[]string{"extra"}, "unexpected argument"},
		{[]string{"--connect", "unix:/run/transferguard/screen.sock", "--fullscreen"}, ""},
		{[]string{"--connect", "tcp:127.0.0.1:47401", "--token-file", "/run/tok"}, ""},
		{[]string{"--connect", "tcp:0.0.0.0:47401", "--token-file", "/run/tok"}, "loopback"},
		{[]string{"--connect", "tcp:127.0.0.1:47401"}, "--token-file"},
		{[]string{"--token-file", "/run/tok"}, "only goes with --connect"},
		{[]string{"--connect", "/run/s.sock", "--preview", "standby", "--out", "a.png"}, "give one"},
	} {
		_, err := parseFlags(c.args)
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("%q: %v", c.args, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%q: error %v, want one mentioning %q", c.args, err, c.wantErr)
		}
	}
}

func TestPreviewScreenFromConfig(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		s, err := configScreen("../../configs/tgagent.example.yaml", "transfer_warning", lang)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if s.Name != "transfer_warning" || s.Title == "" || s.CountdownMS == 0 || !s.Ack {
			t.Errorf("%s: got %+v, want a transfer warning with countdown and ack", lang, s)
		}
	}
	if _, err := configScreen("../../configs/tgagent.example.yaml", "nope", "zh"); err == nil {
		t.Error("an unknown screen name was accepted")
	}
	o, err := parseFlags([]string{"--preview", "standby", "--config", "/nonexistent.yaml", "--out", "x.png"})
	if err != nil {
		t.Fatal(err)
	}
	if code := runPreview(o, zerolog.Nop()); code != 2 {
		t.Errorf("missing --config file: exit %d, want 2", code)
	}
}

func TestPreviewWritesAPNG(t *testing.T) {
	out := filepath.Join(t.TempDir(), "hr.png")
	o, err := parseFlags([]string{"--preview", "high_risk", "--lang", "zh", "--width", "800", "--height", "600", "--out", out})
	if err != nil {
		t.Fatal(err)
	}
	if code := runPreview(o, zerolog.Nop()); code != 0 {
		t.Fatalf("exit %d, want 0", code)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 800 || b.Dy() != 600 {
		t.Errorf("preview is %v, want 800x600", b)
	}
}
