package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/transferguard/transferguard/agent/dsse"
)

// signerError turns a failed verification into a sentence that names the
// keys involved: the keyids the envelope says signed it, and the keyids
// that are trusted, so bank IT sees at once which key was used by mistake.
func signerError(env *dsse.Envelope, ring *dsse.KeyRing, err error) error {
	named := make([]string, 0, len(env.Signatures))
	for _, s := range env.Signatures {
		id := s.KeyID
		if id == "" {
			id = "(no keyid)"
		}
		named = append(named, id)
	}
	trusted := strings.Join(ring.IDs(), ", ")
	switch {
	case errors.Is(err, dsse.ErrUnsigned):
		return errors.New("not signed: the envelope has no signature")
	case errors.Is(err, dsse.ErrUnknownKey):
		return fmt.Errorf("signed by keyid %s (as the envelope names it), which is not a trusted key (trusted: %s): %w",
			strings.Join(named, ", "), trusted, err)
	case errors.Is(err, dsse.ErrBadSignature):
		return fmt.Errorf("the signature named %s is not an Ed25519 signature: %w", strings.Join(named, ", "), err)
	case errors.Is(err, dsse.ErrTampered):
		return fmt.Errorf("the signature of trusted keyid %s does not match the payload (changed after signing): %w",
			strings.Join(named, ", "), err)
	}
	return err
}
