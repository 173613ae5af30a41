package remote_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/remote"
)

var (
	fleetTopic    = remote.ConfigTopic("fleet", "", "")
	siteTopic     = remote.ConfigTopic("site", site, "")
	terminalTopic = remote.ConfigTopic("terminal", site, terminal)
)

func mustApply(t *testing.T, r *remote.Remote, topic string, raw []byte) remote.Result {
	t.Helper()
	res, err := r.Offer(topic, raw)
	if err != nil {
		t.Fatalf("Offer(%s): %v", topic, err)
	}
	return res
}

func TestScopesMergeInOrder(t *testing.T) {
	r := newRemote(t, &remote.MemStore{})
	if got := r.Policy().Timings.CoolingOffS; got != 10 {
		t.Fatalf("default cooling-off: got %d, want 10", got)
	}
	mustApply(t, r, terminalTopic, sign(t, trustedKey, dsse.TypeConfig, configDoc(t, "terminal", 1, cooling(30))))
	mustApply(t, r, fleetTopic, sign(t, trustedKey, dsse.TypeConfig, configDoc(t, "fleet", 1, map[string]any{
		"timings": map[string]any{"cooling_off_s": 20, "reminder_s": 7}})))
	res := mustApply(t, r, siteTopic, sign(t, trustedKey, dsse.TypeConfig, configDoc(t, "site", 1, cooling(25))))
	if got := res.Policy.Timings.CoolingOffS; got != 30 {
		t.Errorf("cooling-off: got %d, want the terminal's 30", got)
	}
	if got := res.Policy.Timings.ReminderS; got != 7 {
		t.Errorf("reminder: got %d, want the fleet's 7", got)
	}
	if res.Kind != remote.KindConfig || res.Scope != "site" || res.Version != 1 {
		t.Errorf("result: got %s %s v%d", res.Kind, res.Scope, res.Version)
	}
}

func TestWatchlistApplies(t *testing.T) {
	r := newRemote(t, &remote.MemStore{})
	if r.Watchlist().HasAccount("6217000012345678") {
		t.Fatal("listed before any watchlist")
	}
	res := mustApply(t, r, remote.WatchlistTopic, sign(t, trustedKey, dsse.TypeWatchlist, watchDoc(1, "6217 0000 1234 5678")))
	if !res.Watchlist.HasAccount("6217000012345678") || !res.Watchlist.HasPhone("+86 138 0013 8000") {
		t.Fatal("watchlist entries do not match")
	}
	res = mustApply(t, r, remote.WatchlistTopic, sign(t, trustedKey, dsse.TypeWatchlist, watchDoc(2, "6222021234567890123")))
	if res.Watchlist.HasAccount("6217000012345678") || !res.Watchlist.HasAccount("6222021234567890123") {
		t.Fatal("a new watchlist must replace the old one")
	}
}

func TestLocalWatchlistAddsToSigned(t *testing.T) {
	r := newRemote(t, &remote.MemStore{})
	mustApply(t, r, remote.WatchlistTopic, sign(t, trustedKey, dsse.TypeWatchlist, watchDoc(1, "6217000012345678")))
	res := mustApply(t, r, fleetTopic, sign(t, trustedKey, dsse.TypeConfig, configDoc(t, "fleet", 1, map[string]any{
		"watchlist": map[string]any{"accounts": []string{"6222021234567890123"}}})))
	if !res.Watchlist.HasAccount("6217000012345678") || !res.Watchlist.HasAccount("6222021234567890123") {
		t.Fatal("effective watchlist must hold signed and configured entries")
	}
}

func TestRedeliveryIsNotARejection(t *testing.T) {
	r := newRemote(t, &remote.MemStore{})
	raw := sign(t, trustedKey, dsse.TypeConfig, configDoc(t, "fleet", 4, cooling(12)))
	mustApply(t, r, fleetTopic, raw)
	res := mustApply(t, r, fleetTopic, raw) // retained message on reconnect
	if !res.Unchanged {
		t.Fatal("redelivered document: want Unchanged")
	}
	if s := r.Snapshot(); s.LastRejection != nil {
		t.Fatalf("redelivery recorded a rejection: %+v", s.LastRejection)
	}
	if res, err := r.Offer(fleetTopic, nil); err != nil || !res.Unchanged {
		t.Fatalf("cleared retained topic: got %+v, %v", res, err)
	}
}

// rejectionCase is one way a document must be refused.
type rejectionCase struct {
	name   string
	topic  string
	raw    func(t *testing.T) []byte
	reason remote.Reason
}

func rejectionCases() []rejectionCase {
	cfg := func(scope string, v int, body map[string]any) func(t *testing.T) []byte {
		return func(t *testing.T) []byte { return sign(t, trustedKey, dsse.TypeConfig, configDoc(t, scope, v, body)) }
	}
	edit := func(f func(e map[string]any)) func(t *testing.T) []byte {
		return func(t *testing.T) []byte {
			var e map[string]any
			_ = json.Unmarshal(cfg("fleet", 9, cooling(15))(t), &e)
			f(e)
			b, _ := json.Marshal(e)
			return b
		}
	}
	sig0 := func(e map[string]any) map[string]any { return e["signatures"].([]any)[0].(map[string]any) }
	return []rejectionCase{
		{"bad signature", fleetTopic, edit(func(e map[string]any) {
			sig0(e)["sig"] = base64.StdEncoding.EncodeToString([]byte("short"))
		}), remote.ReasonBadSignature},
		{"tampered payload", fleetTopic, edit(func(e map[string]any) {
			p, _ := base64.StdEncoding.DecodeString(e["payload"].(string))
			e["payload"] = base64.StdEncoding.EncodeToString(bytes.Replace(p, []byte("15"), []byte("0"), 1))
		}), remote.ReasonTampered},
		{"unknown key", fleetTopic, func(t *testing.T) []byte {
			return sign(t, otherKey, dsse.TypeConfig, configDoc(t, "fleet", 9, cooling(15)))
		}, remote.ReasonUnknownKey},
		{"unsigned", fleetTopic, edit(func(e map[string]any) { e["signatures"] = []any{} }), remote.ReasonUnsigned},
		{"lower version", fleetTopic, cfg("fleet", 4, cooling(15)), remote.ReasonStaleVersion},
		{"equal version, other content", fleetTopic, cfg("fleet", 5, cooling(15)), remote.ReasonStaleVersion},
		{"lower watchlist version", remote.WatchlistTopic, func(t *testing.T) []byte {
			return sign(t, trustedKey, dsse.TypeWatchlist, watchDoc(2, "6222021234567890123"))
		}, remote.ReasonStaleVersion},
		{"scope differs from topic", fleetTopic, cfg("site", 9, cooling(15)), remote.ReasonWrongScope},
		{"other terminal", terminalTopic, func(t *testing.T) []byte {
			d := bytes.Replace(configDoc(t, "terminal", 9, cooling(15)), []byte(`"T1"`), []byte(`"T2"`), 1)
			return sign(t, trustedKey, dsse.TypeConfig, d)
		}, remote.ReasonWrongScope},
		{"other site's topic", remote.ConfigTopic("site", "S2", ""), cfg("site", 9, cooling(15)), remote.ReasonWrongScope},
		{"unknown config key", fleetTopic, cfg("fleet", 9, map[string]any{"timings": map[string]any{"cooling_of_s": 3}}), remote.ReasonInvalidConfig},
		{"rule does not compile", fleetTopic, cfg("fleet", 9, map[string]any{"rules": map[string]any{"bad": map[string]any{
			"when": `fn == "TRANSFER" &&`, "score": 10, "text": map[string]any{"zh": "坏", "en": "bad"}}}}), remote.ReasonInvalidConfig},
		{"missing version", fleetTopic, func(t *testing.T) []byte {
			return sign(t, trustedKey, dsse.TypeConfig, []byte(`{"issued":"2026-11-26T09:00:00Z","scope":"fleet"}`))
		}, remote.ReasonInvalidConfig},
		{"config on watchlist topic", remote.WatchlistTopic, cfg("fleet", 9, cooling(15)), remote.ReasonWrongPayloadType},
		{"watchlist on config topic", fleetTopic, func(t *testing.T) []byte {
			return sign(t, trustedKey, dsse.TypeWatchlist, watchDoc(9, "6222021234567890123"))
		}, remote.ReasonWrongPayloadType},
		{"truncated base64", fleetTopic, edit(func(e map[string]any) {
			p := e["payload"].(string)
			e["payload"] = p[:len(p)-3]
		}), remote.ReasonMalformed},
		{"truncated envelope", fleetTopic, func(t *testing.T) []byte {
			raw := cfg("fleet", 9, cooling(15))(t)
			return raw[:len(raw)/2]
		}, remote.ReasonMalformed},
		{"payload not json", fleetTopic, func(t *testing.T) []byte {
			return sign(t, trustedKey, dsse.TypeConfig, []byte("version: 9"))
		}, remote.ReasonMalformed},
		{"huge config", fleetTopic, cfg("fleet", 9, map[string]any{"pad": strings.Repeat("x", dsse.MaxConfigEnvelope)}), remote.ReasonTooLarge},
		{"invalid watchlist", remote.WatchlistTopic, func(t *testing.T) []byte {
			return sign(t, trustedKey, dsse.TypeWatchlist, watchDoc(9, "not a number"))
		}, remote.ReasonInvalidWatchlist},
		{"not a document topic", "tg/v1/S1/T1/dispatch", cfg("fleet", 9, cooling(15)), remote.ReasonWrongTopic},
	}
}

// TestRejectionsChangeNothing offers each bad document to a terminal that
// runs fleet v5 and watchlist v3, and checks it is refused with its own
// reason while policy, watchlist, versions and the store stay as they were.
func TestRejectionsChangeNothing(t *testing.T) {
	for _, tc := range rejectionCases() {
		t.Run(tc.name, func(t *testing.T) {
			store := &remote.MemStore{}
			r := newRemote(t, store)
			mustApply(t, r, fleetTopic, sign(t, trustedKey, dsse.TypeConfig, configDoc(t, "fleet", 5, cooling(12))))
			mustApply(t, r, remote.WatchlistTopic, sign(t, trustedKey, dsse.TypeWatchlist, watchDoc(3, "6217000012345678")))
			policy, list := r.Policy(), r.Watchlist()
			storedFleet, _ := store.Load("config-fleet")
			storedList, _ := store.Load("watchlist.hashes")
			before := r.Snapshot()

			res, err := r.Offer(tc.topic, tc.raw(t))
			var rej *remote.Rejection
			if !errors.As(err, &rej) {
				t.Fatalf("got %v, want a rejection", err)
			}
			if rej.Reason != tc.reason {
				t.Fatalf("reason: got %s (%s), want %s", rej.Reason, rej.Text, tc.reason)
			}
			if res.Policy != policy || r.Policy() != policy || r.Watchlist() != list {
				t.Fatal("a rejected document changed the running policy or watchlist")
			}
			if got, _ := store.Load("config-fleet"); !bytes.Equal(got, storedFleet) {
				t.Fatal("a rejected document changed the stored fleet document")
			}
			if got, _ := store.Load("watchlist.hashes"); len(storedList) == 0 || !bytes.Equal(got, storedList) {
				t.Fatal("a rejected document changed the stored watchlist")
			}
			after := r.Snapshot()
			if after.LastRejection == nil || after.LastRejection.Reason != string(tc.reason) || after.LastRejection.Topic != tc.topic {
				t.Fatalf("state: got last rejection %+v, want reason %s on %s", after.LastRejection, tc.reason, tc.topic)
			}
			if *after.Config.Fleet != *before.Config.Fleet || after.Watchlist.Version != before.Watchlist.Version {
				t.Fatal("a rejected document changed the reported versions")
			}
		})
	}
}

func TestStoreFailureDoesNotApply(t *testing.T) {
	store := &remote.MemStore{}
	r := newRemote(t, store)
	store.FailSave = true
	_, err := r.Offer(fleetTopic, sign(t, trustedKey, dsse.TypeConfig, configDoc(t, "fleet", 1, cooling(30))))
	var rej *remote.Rejection
	if !errors.As(err, &rej) || rej.Reason != remote.ReasonStoreFailed {
		t.Fatalf("got %v, want store_failed", err)
	}
	if got := r.Policy().Timings.CoolingOffS; got != 10 {
		t.Fatalf("cooling-off: got %d, want the default 10", got)
	}
}

func TestKeyRotation(t *testing.T) {
	r, err := remote.New(remote.Options{Keys: keyRing(t, otherKey, trustedKey), Site: site, Terminal: terminal,
		Store: &remote.MemStore{}, Clock: clock.Func(newRemoteNow)})
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, r, fleetTopic, sign(t, trustedKey, dsse.TypeConfig, configDoc(t, "fleet", 1, cooling(11))))
	res := mustApply(t, r, fleetTopic, sign(t, otherKey, dsse.TypeConfig, configDoc(t, "fleet", 2, cooling(13))))
	if res.Policy.Timings.CoolingOffS != 13 {
		t.Fatal("a document from the second trusted key was not applied")
	}
	if got := r.Snapshot().Config.Fleet.KeyID; got != dsse.KeyID(otherKey.Public().(ed25519PublicKey)) {
		t.Fatalf("state keyid: got %s", got)
	}
}

func TestWatchlistPayloadNotJSON(t *testing.T) {
	r := newRemote(t, &remote.MemStore{})
	_, err := r.Offer(remote.WatchlistTopic, sign(t, trustedKey, dsse.TypeWatchlist, []byte(`{"version":1,`)))
	var rej *remote.Rejection
	if !errors.As(err, &rej) || rej.Reason != remote.ReasonMalformed {
		t.Fatalf("got %v, want malformed", err)
	}
}
