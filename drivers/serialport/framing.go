package serialport

import (
	"fmt"

	"go.bug.st/serial"
)

// Parity is the parity bit of the line, as periph.io's uart names it. The
// zero value is no parity, the contract's default; it reads and writes
// itself as text (none, odd, even, mark, space) for flags and YAML.
type Parity uint8

// Parities a controller may use.
const (
	ParityNone Parity = iota
	ParityOdd
	ParityEven
	ParityMark
	ParitySpace
)

var parityNames = map[Parity]string{
	ParityNone: "none", ParityOdd: "odd", ParityEven: "even", ParityMark: "mark", ParitySpace: "space",
}

// String is the parity's name in flags and the config file.
func (p Parity) String() string { return parityNames[p] }

// MarshalText writes the name, so flag defaults print as words.
func (p Parity) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads none, odd, even, mark or space.
func (p *Parity) UnmarshalText(b []byte) error {
	for v, name := range parityNames {
		if name == string(b) {
			*p = v
			return nil
		}
	}
	return fmt.Errorf("parity %q: must be none, odd, even, mark or space", b)
}

func (p Parity) mode() serial.Parity {
	return map[Parity]serial.Parity{
		ParityNone: serial.NoParity, ParityOdd: serial.OddParity, ParityEven: serial.EvenParity,
		ParityMark: serial.MarkParity, ParitySpace: serial.SpaceParity,
	}[p]
}

// StopBits is the number of stop bits. The zero value is one, the
// contract's default; as text it is 1, 1.5 or 2.
type StopBits uint8

// Stop bit counts a controller may use.
const (
	StopOne StopBits = iota
	StopOneHalf
	StopTwo
)

var stopNames = map[StopBits]string{StopOne: "1", StopOneHalf: "1.5", StopTwo: "2"}

// String is the count as written in flags and the config file.
func (s StopBits) String() string { return stopNames[s] }

// MarshalText writes the count, so flag defaults print as numbers.
func (s StopBits) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads 1, 1.5 or 2.
func (s *StopBits) UnmarshalText(b []byte) error {
	for v, name := range stopNames {
		if name == string(b) {
			*s = v
			return nil
		}
	}
	return fmt.Errorf("stop_bits %q: must be 1, 1.5 or 2", b)
}

func (s StopBits) mode() serial.StopBits {
	return map[StopBits]serial.StopBits{
		StopOne: serial.OneStopBit, StopOneHalf: serial.OnePointFiveStopBits, StopTwo: serial.TwoStopBits,
	}[s]
}
