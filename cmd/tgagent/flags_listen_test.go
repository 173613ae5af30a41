//go:build !windows

package main

import "testing"

func TestListenDefaultsToASocketWhereTheKioskUserCanReachIt(t *testing.T) {
	base := []string{"--serial", "/dev/ttyUSB0", "--broker", "embedded", "--site", "S1", "--terminal", "T1", "--ui", "listen", "--state-dir", "/var/lib/tg"}
	t.Setenv("RUNTIME_DIRECTORY", "")
	o, err := parseFlags(base)
	if err != nil {
		t.Fatal(err)
	}
	if o.listen.addr != "unix:/var/lib/tg/screen.sock" {
		t.Errorf("by hand: --ui-addr %q, want the state directory's socket", o.listen.addr)
	}
	t.Setenv("RUNTIME_DIRECTORY", "/run/transferguard")
	if o, err = parseFlags(base); err != nil {
		t.Fatal(err)
	}
	if o.listen.addr != "unix:/run/transferguard/screen.sock" {
		t.Errorf("under systemd: --ui-addr %q, want the RuntimeDirectory's socket", o.listen.addr)
	}
}
