package serialport

// Tests that touch no device: they run on every platform, under wine too
// (scripts/test-windows.sh). The tests over a real pty are in *_linux_test.go.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"go.bug.st/serial"

	"github.com/transferguard/transferguard/agent/frame"
)

func TestRunRejectsBadConfig(t *testing.T) {
	err := New(Config{Path: "/dev/null", Parity: 99}, zerolog.Nop()).Run(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "parity") {
		t.Errorf("got %v, want an error naming parity", err)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string // substrings of the error, none when empty
	}{
		{"defaults", Config{Path: "/dev/ttyUSB0"}, nil},
		{"full", Config{Path: "COM3", Baud: 9600, DataBits: 7, Parity: ParityEven, StopBits: StopOneHalf,
			MinBackoff: time.Second, MaxBackoff: time.Minute}, nil},
		{"no path", Config{}, []string{"path"}},
		{"all wrong", Config{Path: "x", Baud: -1, DataBits: 9, Parity: 9, StopBits: 3,
			MinBackoff: time.Second, MaxBackoff: time.Millisecond},
			[]string{"baud", "data_bits", "parity", "stop_bits", "max_backoff"}},
		{"negative backoff", Config{Path: "x", MinBackoff: -1}, []string{"backoff"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Errorf("got %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("got nil, want errors about %v", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %s", err, w)
				}
			}
		})
	}
}

// The contract's line is 115200 8N1: a Config naming only the device
// opens it so, and the agent's flags and file may leave every field zero.
func TestZeroConfigIsTheContractLine(t *testing.T) {
	got := Config{Path: "COM3"}.withDefaults().mode()
	want := serial.Mode{BaudRate: 115200, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit}
	if *got != want {
		t.Errorf("mode %+v, want %+v", *got, want)
	}
}

// parity and stop_bits are words in the config file and flags; each word
// reaches the line as that setting, and a wrong word is refused by name.
func TestParityAndStopBitsText(t *testing.T) {
	parities := map[string]serial.Parity{"none": serial.NoParity, "odd": serial.OddParity,
		"even": serial.EvenParity, "mark": serial.MarkParity, "space": serial.SpaceParity}
	for word, want := range parities {
		var p Parity
		if err := p.UnmarshalText([]byte(word)); err != nil {
			t.Fatalf("parity %q: %v", word, err)
		}
		if b, _ := p.MarshalText(); string(b) != word || p.mode() != want {
			t.Errorf("parity %q: written back as %q, on the line %v, want %v", word, b, p.mode(), want)
		}
	}
	stops := map[string]serial.StopBits{"1": serial.OneStopBit, "1.5": serial.OnePointFiveStopBits, "2": serial.TwoStopBits}
	for word, want := range stops {
		var s StopBits
		if err := s.UnmarshalText([]byte(word)); err != nil {
			t.Fatalf("stop_bits %q: %v", word, err)
		}
		if b, _ := s.MarshalText(); string(b) != word || s.mode() != want {
			t.Errorf("stop_bits %q: written back as %q, on the line %v, want %v", word, b, s.mode(), want)
		}
	}
	var p Parity
	if err := p.UnmarshalText([]byte("EVEN")); err == nil || !strings.Contains(err.Error(), "parity") {
		t.Errorf("parity EVEN: got %v, want an error naming parity", err)
	}
	var s StopBits
	if err := s.UnmarshalText([]byte("3")); err == nil || !strings.Contains(err.Error(), "stop_bits") {
		t.Errorf("stop_bits 3: got %v, want an error naming stop_bits", err)
	}
}

// Send never blocks and drops, counted, while the device is closed: the
// core calls it from its own goroutine.
func TestSendWhileNeverOpenedDrops(t *testing.T) {
	p := New(Config{Path: "COM3"}, zerolog.Nop())
	for range QueueLen + 1 {
		p.Send(frame.New("HB", "up", "1"))
	}
	if n := p.dropped.Load(); n != QueueLen+1 {
		t.Errorf("%d frames counted as dropped, want %d", n, QueueLen+1)
	}
}
