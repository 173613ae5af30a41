package remote

import (
	"errors"
	"fmt"
	"io/fs"
)

// Load puts the stored documents back in force at start-up, before the
// broker is reachable. Each configuration document passes the same checks
// as an Offer (size, form, type, a trusted signature, scope), so a document
// whose signer is no longer trusted, or a file changed on disk, is refused.
// The watchlist is restored from its stored hashes, checked for integrity,
// for the terminal's hash key and for a signer still trusted, but not
// re-verified (there is no signed document left to verify: see the package
// comment); a watchlist envelope stored by an earlier version is verified
// and replaced by its hashes. Refused documents
// are returned as rejections (their topic is "store:<name>") and the last
// one is reported by State; the error is only for a Store that cannot be
// read at all.
func (r *Remote) Load() (Result, []*Rejection, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var rejected []*Rejection
	scopes := map[string]*applied{}
	for _, scope := range scopeOrder {
		a, rej, err := r.loadOne(KindConfig, scope)
		if err != nil {
			return r.result(Result{}), nil, err
		}
		if rej != nil {
			rejected = append(rejected, rej)
		} else if a != nil {
			scopes[scope] = a
		}
	}
	if len(scopes) > 0 {
		p, err := r.build(scopes)
		if err != nil {
			rej := r.stamp("store:config", reject(ReasonInvalidConfig, "stored documents no longer validate together, running defaults: %v", err))
			rejected = append(rejected, rej)
		} else {
			r.scopes = scopes
			r.policy.Store(p)
		}
	}
	w, rej, err := r.loadList()
	if err != nil {
		return r.result(Result{}), nil, err
	}
	if rej != nil {
		rejected = append(rejected, rej)
	} else if w != nil {
		r.watch = w
	}
	r.list.Store(r.effectiveList())
	for _, rej := range rejected {
		r.last = rej
		r.log.Warn().Str("topic", rej.Topic).Str("reason", string(rej.Reason)).Str("text", rej.Text).Msg("stored document refused")
	}
	r.log.Info().Str("applied", describe(r.scopes)).Int("watchlist_entries", r.list.Load().Len()).Msg("stored documents loaded")
	return r.result(Result{}), rejected, nil
}

// loadOne reads and checks one stored document; (nil, nil, nil) when none.
func (r *Remote) loadOne(kind, scope string) (*applied, *Rejection, error) {
	name := storeName(kind, scope)
	raw, err := r.opts.Store.Load(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("remote: load %s: %w", name, err)
	}
	payload, keyID, rej := r.open(kind, raw)
	if rej == nil {
		var a *applied
		if kind == KindWatchlist {
			a, rej = r.checkWatchlist(payload, keyID)
		} else {
			a, rej = r.checkConfig(scope, payload, keyID)
		}
		if rej == nil {
			return a, nil, nil
		}
	}
	return nil, r.stamp("store:"+name, rej), nil
}

func (r *Remote) stamp(topic string, rej *Rejection) *Rejection {
	rej.Topic, rej.TS = topic, r.opts.Clock.Now().UTC()
	return rej
}
