package serialport

import (
	"errors"
	"fmt"
	"time"

	"go.bug.st/serial"
)

// Defaults applied by New to zero fields of Config (CONTRACT §2: 115200
// 8N1). They are defined here only: the agent's flags and file leave a
// field zero to mean "the default".
const (
	DefaultBaud       = 115200
	DefaultDataBits   = 8
	DefaultMinBackoff = 100 * time.Millisecond
	DefaultMaxBackoff = 5 * time.Second
)

// Config says which device to open and how. Zero fields take the defaults
// above, so Config{Path: "/dev/ttyUSB0"} is the contract's 115200 8N1. The
// yaml keys are the `serial:` section of the agent's --config file.
type Config struct {
	Path     string   `yaml:"path"`      // /dev/ttyUSB0, COM3, a pty or a symlink to one
	Baud     int      `yaml:"baud"`      // bits per second
	DataBits int      `yaml:"data_bits"` // 5, 6, 7 or 8
	Parity   Parity   `yaml:"parity"`    // none (the zero value), odd, even, mark, space
	StopBits StopBits `yaml:"stop_bits"` // 1 (the zero value), 1.5, 2
	// MinBackoff is the wait before reopening a device that failed;
	// each further failure doubles it, up to MaxBackoff.
	MinBackoff time.Duration `yaml:"-"`
	MaxBackoff time.Duration `yaml:"-"`
	// AckWhenProcessed, when non-zero, holds each valid frame's ACK until
	// the consumer calls Port.Processed, or this long at most (then the
	// ACK goes anyway, with a warning: the contract's 50 ms answer wins).
	// Zero ACKs every frame as soon as it is decoded.
	AckWhenProcessed time.Duration `yaml:"-"`
	// OnState, if set, is called from Run's goroutine when the device
	// opens (true) and closes (false). It must return quickly.
	OnState func(open bool) `yaml:"-"`
}

// withDefaults returns c with zero fields set to the defaults.
func (c Config) withDefaults() Config {
	if c.Baud == 0 {
		c.Baud = DefaultBaud
	}
	if c.DataBits == 0 {
		c.DataBits = DefaultDataBits
	}
	if c.MinBackoff == 0 {
		c.MinBackoff = DefaultMinBackoff
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = max(DefaultMaxBackoff, c.MinBackoff)
	}
	return c
}

// Validate reports every problem of c at once, each naming its field, so
// a bad configuration is refused before any device is touched. Zero
// fields are valid: they mean the default.
func (c Config) Validate() error {
	var errs []error
	if c.Path == "" {
		errs = append(errs, errors.New("serialport: path: required"))
	}
	if c.Baud < 0 {
		errs = append(errs, fmt.Errorf("serialport: baud %d: must be positive", c.Baud))
	}
	if c.DataBits != 0 && (c.DataBits < 5 || c.DataBits > 8) {
		errs = append(errs, fmt.Errorf("serialport: data_bits %d: must be 5, 6, 7 or 8", c.DataBits))
	}
	if _, ok := parityNames[c.Parity]; !ok {
		errs = append(errs, fmt.Errorf("serialport: parity %d: must be none, odd, even, mark or space", c.Parity))
	}
	if _, ok := stopNames[c.StopBits]; !ok {
		errs = append(errs, fmt.Errorf("serialport: stop_bits %d: must be 1, 1.5 or 2", c.StopBits))
	}
	if c.MinBackoff < 0 || c.MaxBackoff < 0 {
		errs = append(errs, errors.New("serialport: backoff: must not be negative"))
	}
	if c.MaxBackoff != 0 && c.MaxBackoff < c.MinBackoff {
		errs = append(errs, fmt.Errorf("serialport: max_backoff %s: below min_backoff %s", c.MaxBackoff, c.MinBackoff))
	}
	return errors.Join(errs...)
}

// mode is the go.bug.st/serial form of a validated, defaulted c.
func (c Config) mode() *serial.Mode {
	return &serial.Mode{
		BaudRate: c.Baud,
		DataBits: c.DataBits,
		Parity:   c.Parity.mode(),
		StopBits: c.StopBits.mode(),
	}
}
