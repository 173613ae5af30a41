package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFlagsRejectWithOneLineNamingTheProblem(t *testing.T) {
	base := []string{"--serial", "/dev/ttyUSB0", "--broker", "tcp://127.0.0.1:1883", "--site", "S1", "--terminal", "T1"}
	with := func(extra ...string) []string { return append(append([]string(nil), base...), extra...) }
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no serial", []string{"--broker", "embedded", "--site", "S", "--terminal", "T"}, "--serial"},
		{"no broker", []string{"--serial", "/dev/x", "--site", "S", "--terminal", "T"}, "--broker"},
		{"bad site", with("--site", "S 1"), "--site"},
		{"long terminal", with("--terminal", strings.Repeat("x", 65)), "--terminal"},
		{"bad ui", with("--ui", "hologram"), "--ui"},
		{"ui-addr without listen", with("--ui", "window", "--ui-addr", "/run/x.sock"), "only go with --ui listen"},
		{"ui-addr on the network", with("--ui", "listen", "--ui-addr", "tcp:0.0.0.0:47401"), "loopback"},
		{"ui-addr relative", with("--ui", "listen", "--ui-addr", "screen.sock"), "--ui-addr"},
		{"bad level", with("--log-level", "loud"), "--log-level"},
		{"unknown flag", with("--colour"), "colour"},
		{"stray argument", with("extra"), "extra"},
		{"missing config", with("--config", "/nonexistent.yaml"), "nonexistent.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFlags(tt.args)
			if err == nil {
				t.Fatalf("accepted %v", tt.args)
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line naming %q", err, tt.want)
			}
		})
	}
}

func TestFlagsOverrideConfigFile(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "agent.yaml")
	os.WriteFile(cfg, []byte("site: FILE\nterminal: T9\nserial: {path: /dev/ttyS0, baud: 9600}\nbroker: {url: embedded}\npolicy: {timings: {cooling_off_s: 20}}\n"), 0o600)
	o, err := parseFlags([]string{"--config", cfg, "--site", "FLAG"})
	if err != nil {
		t.Fatal(err)
	}
	// Data bits left unset: zero, the serial driver's default (8).
	if o.Site != "FLAG" || o.Terminal != "T9" || o.Serial.Baud != 9600 || o.Serial.DataBits != 0 || o.UI != "none" {
		t.Errorf("options = %+v", o)
	}
	if o.Policy["timings"] == nil {
		t.Error("policy layer of the file lost")
	}
}

func TestConfigFileUnknownKeyRejected(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "agent.yaml")
	os.WriteFile(cfg, []byte("site: S\nserail: {path: /dev/x}\n"), 0o600)
	_, err := parseFlags([]string{"--config", cfg})
	if err == nil || !strings.Contains(err.Error(), "serail") {
		t.Errorf("err = %v, want the unknown key named", err)
	}
}
