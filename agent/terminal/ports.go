// Package terminal is the agent's core: it follows each customer session
// frame by frame, scores it with the configured rules, decides the screen,
// HOLD and RELEASE, raises alerts, audits every warning and supervises the
// link. It does no I/O and reads no wall clock: adapters in drivers/ reach
// it through the small interfaces below, and tests drive it with a fake
// clock in microseconds.
package terminal

import (
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/screen"
)

// Controller carries frames back to the terminal controller (HB, HOLD,
// RELEASE, SCREEN). Send must not block; the serial adapter stamps seq.
type Controller interface {
	Send(f frame.Frame)
}

// Display shows the latest screen decision. Show must not block; a display
// that falls behind keeps only the newest screen.
type Display interface {
	Show(s screen.Screen)
}

// Publisher hands an outbound message to durable storage. It returns only
// once the message will survive a crash; delivery to the broker happens
// later and at least once. It may block for a disk write, never for the
// network.
type Publisher interface {
	Publish(m envelope.Message) error
}

// StatusSink is told when the serial link goes up or down, for the retained
// status topic. SetLink must not block.
type StatusSink interface {
	SetLink(up bool)
}

// Watchlist answers whether an account or phone number is listed. Lookups
// must be safe for concurrent use and fast (they run on every PAYEE frame).
type Watchlist interface {
	HasAccount(number string) bool
	HasPhone(number string) bool
}
