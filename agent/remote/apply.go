package remote

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/watchlist"
)

// scopeOrder is the merge order of configuration scopes.
var scopeOrder = []string{config.ScopeFleet, config.ScopeSite, config.ScopeTerminal}

// checkConfig reads a verified config payload and checks it addresses
// this terminal in scope.
func (r *Remote) checkConfig(scope string, payload []byte, keyID string) (*applied, *Rejection) {
	if !json.Valid(payload) {
		return nil, reject(ReasonMalformed, "payload is not JSON")
	}
	doc, err := config.ParseDocument(payload)
	if err != nil {
		return nil, reject(ReasonInvalidConfig, "%v", err)
	}
	switch {
	case doc.Scope != scope:
		return nil, versioned(reject(ReasonWrongScope, "document scope %q on a %s topic", doc.Scope, scope), doc.Version)
	case doc.Site != "" && doc.Site != r.opts.Site:
		return nil, versioned(reject(ReasonWrongScope, "document is for site %q, this is %q", doc.Site, r.opts.Site), doc.Version)
	case doc.Terminal != "" && doc.Terminal != r.opts.Terminal:
		return nil, versioned(reject(ReasonWrongScope, "document is for terminal %q, this is %q", doc.Terminal, r.opts.Terminal), doc.Version)
	}
	return &applied{version: doc.Version, issued: doc.Issued, expires: doc.Expires, keyID: keyID, digest: sha256.Sum256(payload), body: doc.Body}, nil
}

func (r *Remote) offerConfig(scope string, raw, payload []byte, keyID string) (Result, *Rejection) {
	cand, rej := r.checkConfig(scope, payload, keyID)
	if rej != nil {
		return Result{}, rej
	}
	if cur := r.scopes[scope]; cur != nil {
		if cur.version == cand.version && cur.digest == cand.digest {
			return r.result(Result{Kind: KindConfig, Scope: scope, Version: cand.version, Unchanged: true}), nil
		}
	}
	if rej := r.checkExpiry(cand); rej != nil {
		return Result{}, rej
	}
	if cur := r.scopes[scope]; cur != nil {
		if cand.version <= cur.version {
			return Result{}, versioned(reject(ReasonStaleVersion, "version %d is not higher than the applied %d", cand.version, cur.version), cand.version)
		}
	}
	next := make(map[string]*applied, len(scopeOrder))
	for k, v := range r.scopes {
		next[k] = v
	}
	next[scope] = cand
	p, err := r.build(next)
	if err != nil {
		return Result{}, versioned(reject(ReasonInvalidConfig, "%v", err), cand.version)
	}
	if err := r.opts.Store.Save(storeName(KindConfig, scope), raw); err != nil {
		return Result{}, versioned(reject(ReasonStoreFailed, "%v", err), cand.version)
	}
	r.scopes = next
	r.policy.Store(p)
	r.list.Store(r.effectiveList())
	return r.result(Result{Kind: KindConfig, Scope: scope, Version: cand.version}), nil
}

// checkWatchlist reads a verified watchlist payload, hashing its entries
// under the terminal's key.
func (r *Remote) checkWatchlist(payload []byte, keyID string) (*applied, *Rejection) {
	key, err := r.hashKey()
	if err != nil {
		return nil, reject(ReasonStoreFailed, "%v", err)
	}
	doc, err := watchlist.ParseDocumentKeyed(payload, key) // one pass over a large payload
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return nil, reject(ReasonMalformed, "payload is not JSON: %v", err)
	}
	if err != nil {
		return nil, reject(ReasonInvalidWatchlist, "%v", err)
	}
	return &applied{version: doc.Version, issued: doc.Issued, expires: doc.Expires, keyID: keyID, digest: sha256.Sum256(payload), list: doc.List}, nil
}

func (r *Remote) offerWatchlist(raw, payload []byte, keyID string) (Result, *Rejection) {
	cand, rej := r.checkWatchlist(payload, keyID)
	if rej != nil {
		return Result{}, rej
	}
	if cur := r.watch; cur != nil {
		if cur.version == cand.version && cur.digest == cand.digest {
			return r.result(Result{Kind: KindWatchlist, Version: cand.version, Unchanged: true}), nil
		}
	}
	if rej := r.checkExpiry(cand); rej != nil {
		return Result{}, rej
	}
	if cur := r.watch; cur != nil {
		if cand.version <= cur.version {
			return Result{}, versioned(reject(ReasonStaleVersion, "version %d is not higher than the applied %d", cand.version, cur.version), cand.version)
		}
	}
	if err := r.saveList(cand, raw); err != nil {
		return Result{}, versioned(reject(ReasonStoreFailed, "%v", err), cand.version)
	}
	r.watch = cand
	r.list.Store(r.effectiveList())
	return r.result(Result{Kind: KindWatchlist, Version: cand.version}), nil
}

// checkExpiry refuses a document whose "expires" has passed. It is
// checked when a document is offered, not while it is in force: an applied
// document stays until a newer one replaces it (a lapsed rule set still
// protects better than none), and its retained redelivery is Unchanged.
func (r *Remote) checkExpiry(a *applied) *Rejection {
	if now := r.opts.Clock.Now(); !a.expires.IsZero() && !now.Before(a.expires) {
		return versioned(reject(ReasonExpired, "expired at %s", a.expires.UTC().Format(time.RFC3339)), a.version)
	}
	return nil
}

// build merges defaults, the local layer and the given scopes in order.
func (r *Remote) build(scopes map[string]*applied) (*config.Policy, error) {
	layers := []map[string]any{config.Defaults()}
	if r.opts.Local != nil {
		layers = append(layers, r.opts.Local)
	}
	for _, s := range scopeOrder {
		if a := scopes[s]; a != nil {
			layers = append(layers, a.body)
		}
	}
	p, err := config.Build(layers...)
	if err != nil {
		return nil, fmt.Errorf("merged %s: %w", describe(scopes), err)
	}
	return p, nil
}

// effectiveList is the signed watchlist plus the policy's local entries.
func (r *Remote) effectiveList() *watchlist.List {
	var signed *watchlist.List
	if r.watch != nil {
		signed = r.watch.list
	}
	p := r.policy.Load()
	return signed.With(p.Watchlist.Accounts, p.Watchlist.Phones)
}

func describe(scopes map[string]*applied) string {
	s := "defaults"
	for _, sc := range scopeOrder {
		if a := scopes[sc]; a != nil {
			s += fmt.Sprintf(" + %s v%d", sc, a.version)
		}
	}
	return s
}

func versioned(r *Rejection, v int64) *Rejection {
	r.Version = v
	return r
}
