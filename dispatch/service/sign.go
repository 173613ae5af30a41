package service

import (
	"crypto/ed25519"
	"fmt"

	"github.com/transferguard/transferguard/agent/dispatchauth"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/envelope"
)

// sign binds d to one terminal and to now, and signs it with the
// service's key (CONTRACT §12): the terminal acts on it only within
// dispatchauth.MaxAge of now, only once, and only at site/terminal. With no
// key, d goes out as the plain object, which every terminal ignores.
func (s *Service) sign(d envelope.Dispatch, site, terminal string) (envelope.Dispatch, error) {
	d.Site, d.Terminal, d.TS = site, terminal, envelope.Time(s.o.Clock.Now().UTC())
	if s.o.SigningKey == nil {
		return d, nil
	}
	env, err := dispatchauth.Sign(d, s.o.SigningKey)
	if err != nil {
		return d, fmt.Errorf("sign dispatch: %w", err)
	}
	d.Signed = string(env)
	return d, nil
}

// warnUnsigned says at start which key signs dispatch, or loudly that none
// does.
func (s *Service) warnUnsigned() {
	if s.o.SigningKey == nil {
		s.log.Warn().Msg("NO --signing-key: dispatch goes out unsigned and every terminal ignores it; guards cannot release a HOLD")
		return
	}
	pub, _ := s.o.SigningKey.Public().(ed25519.PublicKey)
	s.log.Info().Str("keyid", dsse.KeyID(pub)).Msg("dispatch signed")
}
