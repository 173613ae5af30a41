// Package remote decides whether a signed configuration or watchlist
// document offered over MQTT (CONTRACT §5) is applied, and keeps what is in
// force: the applied document of each scope, the watchlist, the effective
// policy, and the last rejection for config/state. It does no I/O besides
// the Store it is given; the MQTT link hands it bytes.
//
// # Trust model
//
// Only bank IT, holding a private key whose public key is in the terminal's
// --trust-key file, can change what the terminal runs. A document is
// applied only when, in this order: its topic is a document topic; the
// envelope is within the size limit and well formed; its payload type is
// the topic's; a signature verifies with a trusted key; its version is
// strictly higher than the one applied for that scope (no replay, no
// rollback); its scope, site and terminal are the topic's and this
// terminal's; and the whole merged result validates (defaults, local file,
// fleet, site, terminal). Then it is stored durably and only then used.
// Anything else is a Rejection with a stable Reason, and nothing changes.
// Configuration documents read back from the Store at start-up pass the
// same checks, so a file edited on disk is refused like a forged message.
//
// The watchlist is the exception: its envelope lists account and phone
// numbers in plain, which CONTRACT §4 keeps out of the state directory.
// After it is verified and applied only its keyed hashes (under a random
// key drawn once per terminal and kept in the Store) and a metadata record
// are stored, and Load restores them without a signature to check. The
// state directory is trusted as the binaries are: whoever can write it can
// replace the agent itself. Whoever can only read it learns no listed
// number except by guessing numbers and hashing the guesses under the key
// it also read (docs/signing.md states the cost).
package remote

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/watchlist"
)

// Store keeps what is applied (the state dir): the raw envelopes of
// configuration documents, the watchlist's hashes and the hash key.
// Save replaces the bytes under name atomically: when it returns nil
// the new bytes survive a crash or power cut, and a reader never sees a
// half-written one. Load returns an error satisfying
// errors.Is(err, fs.ErrNotExist) when nothing is stored under name.
// Names are short lower-case ASCII words, optionally with one extension:
// a name without one holds a DSSE envelope ("config-fleet"), a name with
// one holds other data ("watchlist.hashes", "watchlist.key"). Everything
// stored is private to the terminal (the key is a secret). Calls come from
// one goroutine at a time (Remote serialises them).
type Store interface {
	Save(name string, raw []byte) error
	Load(name string) ([]byte, error)
}

// Options configure a Remote. Keys, Store and Clock are required.
type Options struct {
	Keys     *dsse.KeyRing  // trusted signers (--trust-key)
	Site     string         // this terminal's site id
	Terminal string         // this terminal's id
	Local    map[string]any // the local --config policy layer, may be nil
	Store    Store          // where applied envelopes are kept
	Clock    clock.Clock    // for state, rejection and expiry times
	Log      zerolog.Logger
}

// Result is what is in force after a successful Offer or Load.
type Result struct {
	Policy    *config.Policy  // effective policy
	Watchlist *watchlist.List // signed watchlist plus the policy's local entries
	Kind      string          // KindConfig or KindWatchlist ("" from Load)
	Scope     string          // config scope of the applied document
	Version   int64           // version of the applied document
	Unchanged bool            // the document already applied came again (retained redelivery)
}

// applied is what Remote keeps of an applied document: no entries.
type applied struct {
	version int64
	issued  time.Time
	expires time.Time // zero: none
	keyID   string
	digest  [sha256.Size]byte
	body    map[string]any // config only
	list    *watchlist.List
}

// Remote holds the applied documents. It is safe for concurrent use;
// Offer, Load and Snapshot are serialised (an Offer of a large watchlist
// takes most of a second), while Policy and Watchlist never wait.
type Remote struct {
	opts   Options
	log    zerolog.Logger
	mu     sync.Mutex
	scopes map[string]*applied // by config scope
	watch  *applied
	policy atomic.Pointer[config.Policy] // read without mu: see Policy
	list   atomic.Pointer[watchlist.List]
	last   *Rejection
	key    *watchlist.Key // watchlist hash key, once read or made
}

// New returns a Remote running the defaults and the local layer. It fails
// if they do not validate or a required option is missing.
func New(o Options) (*Remote, error) {
	switch {
	case o.Keys == nil:
		return nil, errors.New("remote: no trusted keys")
	case o.Store == nil:
		return nil, errors.New("remote: no store")
	case o.Clock == nil:
		return nil, errors.New("remote: no clock")
	case o.Site == "" || o.Terminal == "":
		return nil, errors.New("remote: site and terminal are required")
	}
	r := &Remote{opts: o, log: o.Log.With().Str("component", "remote").Logger(), scopes: map[string]*applied{}}
	p, err := r.build(r.scopes)
	if err != nil {
		return nil, fmt.Errorf("remote: defaults and local configuration: %w", err)
	}
	r.policy.Store(p)
	r.list.Store(watchlist.New(p.Watchlist.Accounts, p.Watchlist.Phones))
	return r, nil
}

// Policy returns the effective policy. It never blocks, even while an
// Offer is being checked, so the session loop may call it on every frame.
func (r *Remote) Policy() *config.Policy { return r.policy.Load() }

// Watchlist returns the effective watchlist; it never blocks.
func (r *Remote) Watchlist() *watchlist.List { return r.list.Load() }

// Offer considers raw, received on topic. It returns what is now in force,
// or a *Rejection (as the error) and keeps everything as it was. A
// zero-length message (a cleared retained topic) changes nothing and is
// not a rejection.
func (r *Remote) Offer(topic string, raw []byte) (Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(raw) == 0 {
		return r.result(Result{Unchanged: true}), nil
	}
	res, rej := r.offer(topic, raw)
	if rej != nil {
		rej.Topic, rej.TS = topic, r.opts.Clock.Now().UTC()
		r.last = rej
		r.log.Warn().Str("topic", topic).Str("reason", string(rej.Reason)).
			Int64("version", rej.Version).Str("text", rej.Text).Msg("document rejected")
		return r.result(Result{}), rej
	}
	if !res.Unchanged {
		r.last = nil // a rejection is reported until the next applied document
		r.log.Info().Str("topic", topic).Str("kind", res.Kind).Str("scope", res.Scope).
			Int64("version", res.Version).Msg("document applied")
	}
	return res, nil
}

func (r *Remote) offer(topic string, raw []byte) (Result, *Rejection) {
	t, ok := parseTopic(topic)
	if !ok {
		return Result{}, reject(ReasonWrongTopic, "%q carries no signed document", topic)
	}
	if t.kind == KindConfig && (t.site != "" && t.site != r.opts.Site || t.terminal != "" && t.terminal != r.opts.Terminal) {
		return Result{}, reject(ReasonWrongScope, "topic is for another site or terminal")
	}
	payload, keyID, rej := r.open(t.kind, raw)
	if rej != nil {
		return Result{}, rej
	}
	if t.kind == KindWatchlist {
		return r.offerWatchlist(raw, payload, keyID)
	}
	return r.offerConfig(t.scope, raw, payload, keyID)
}

// open checks size, form, payload type and signature; it returns the
// payload and the key that signed it.
func (r *Remote) open(kind string, raw []byte) ([]byte, string, *Rejection) {
	limit, wantType := dsse.MaxConfigEnvelope, dsse.TypeConfig
	if kind == KindWatchlist {
		limit, wantType = dsse.MaxWatchlistEnvelope, dsse.TypeWatchlist
	}
	env, err := dsse.Parse(raw, limit)
	if err != nil {
		return nil, "", parseReason(err)
	}
	if env.PayloadType != wantType {
		return nil, "", reject(ReasonWrongPayloadType, "payload type %q on a %s topic, want %q", env.PayloadType, kind, wantType)
	}
	keyID, err := r.opts.Keys.Verify(env)
	if err != nil {
		return nil, "", signatureReason(err)
	}
	return env.Payload, keyID, nil
}

// result fills a Result with what is in force now.
func (r *Remote) result(res Result) Result {
	res.Policy, res.Watchlist = r.policy.Load(), r.list.Load()
	return res
}
