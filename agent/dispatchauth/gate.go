package dispatchauth

import (
	"context"
	"errors"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/envelope"
)

// Gate passes on the dispatch messages that verify and logs the others.
type Gate struct {
	v   *Verifier
	log zerolog.Logger
}

// NewGate returns a Gate over v. When v trusts no key it logs, once and
// loudly, that every dispatch will be ignored.
func NewGate(v *Verifier, log zerolog.Logger) *Gate {
	g := &Gate{v: v, log: log.With().Str("component", "dispatchauth").Logger()}
	if v.o.Keys.Len() == 0 {
		g.log.Warn().Msg("NO --dispatch-key GIVEN: every dispatch is ignored; a HOLD is released only by the controller, never by a guard console")
	} else {
		g.log.Info().Strs("keyids", v.o.Keys.IDs()).Msg("dispatch accepted only when signed by these keys")
	}
	return g
}

// Check verifies one message as the link received it (in.Signed). ok is
// false, and the refusal logged, when it must be ignored.
func (g *Gate) Check(in envelope.Dispatch) (envelope.Dispatch, bool) {
	d, keyID, err := g.v.Verify([]byte(in.Signed))
	if err == nil {
		g.log.Info().Str("alert_id", d.AlertID).Str("state", string(d.State)).Str("keyid", keyID).Msg("dispatch verified")
		return d, true
	}
	var r *Refusal
	if !errors.As(err, &r) {
		r = &Refusal{Reason: ReasonMalformed, Text: err.Error()}
	}
	g.log.Warn().Str("reason", string(r.Reason)).Str("text", r.Text).Str("alert_id", r.AlertID).
		Str("state", r.State).Int("bytes", len(in.Signed)).Msg("dispatch ignored")
	return envelope.Dispatch{}, false
}

// Run reads what the link received from in and sends what verifies to out,
// until ctx ends. It blocks on out: the core reads it in its own loop.
func (g *Gate) Run(ctx context.Context, in <-chan envelope.Dispatch, out chan<- envelope.Dispatch) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case m := <-in:
			d, ok := g.Check(m)
			if !ok {
				continue
			}
			select {
			case out <- d:
			case <-ctx.Done():
				return nil
			}
		}
	}
}
