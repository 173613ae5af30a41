package remote_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/remote"
)

// appliedStore returns a store holding terminal v2, fleet v1 and watchlist v7.
func appliedStore(t *testing.T) *remote.MemStore {
	t.Helper()
	store := &remote.MemStore{}
	r := newRemote(t, store)
	mustApply(t, r, fleetTopic, sign(t, trustedKey, dsse.TypeConfig, configDoc(t, "fleet", 1, cooling(20))))
	mustApply(t, r, terminalTopic, sign(t, trustedKey, dsse.TypeConfig, configDoc(t, "terminal", 2, cooling(40))))
	mustApply(t, r, remote.WatchlistTopic, sign(t, trustedKey, dsse.TypeWatchlist, watchDoc(7, "6217000012345678")))
	return store
}

func TestRestartKeepsAppliedDocuments(t *testing.T) {
	store := appliedStore(t)
	r := newRemote(t, store) // a restart, no broker
	res, rejected, err := r.Load()
	if err != nil || len(rejected) != 0 {
		t.Fatalf("Load: %v, rejected %v", err, rejected)
	}
	if got := res.Policy.Timings.CoolingOffS; got != 40 {
		t.Errorf("cooling-off after restart: got %d, want 40", got)
	}
	if !res.Watchlist.HasAccount("6217000012345678") {
		t.Error("watchlist lost on restart")
	}
	s := r.Snapshot()
	if s.Config.Fleet.Version != 1 || s.Config.Site != nil || s.Config.Terminal.Version != 2 || s.Watchlist.Version != 7 {
		t.Errorf("versions after restart: %+v %+v", s.Config, s.Watchlist)
	}
	// The retained documents arriving later are the same: nothing to do.
	_, err = r.Offer(fleetTopic, sign(t, trustedKey, dsse.TypeConfig, configDoc(t, "fleet", 1, cooling(20))))
	if err != nil {
		t.Fatalf("retained fleet v1 after restart: %v", err)
	}
	// An older one is a replay.
	_, err = r.Offer(terminalTopic, sign(t, trustedKey, dsse.TypeConfig, configDoc(t, "terminal", 1, cooling(99))))
	var rej *remote.Rejection
	if !errors.As(err, &rej) || rej.Reason != remote.ReasonStaleVersion {
		t.Fatalf("replay after restart: got %v, want stale_version", err)
	}
}

func TestLoadRefusesChangedFile(t *testing.T) {
	store := appliedStore(t)
	raw, _ := store.Load("config-terminal")
	var e map[string]any
	_ = json.Unmarshal(raw, &e)
	e["payload"] = "eyJ2ZXJzaW9uIjo5OX0=" // {"version":99}
	raw, _ = json.Marshal(e)
	_ = store.Save("config-terminal", raw)

	r := newRemote(t, store)
	res, rejected, err := r.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(rejected) != 1 || rejected[0].Reason != remote.ReasonTampered || rejected[0].Topic != "store:config-terminal" {
		t.Fatalf("rejected: got %+v, want one tampered store:config-terminal", rejected)
	}
	if got := res.Policy.Timings.CoolingOffS; got != 20 {
		t.Fatalf("cooling-off: got %d, want the fleet's 20", got)
	}
	if s := r.Snapshot(); s.LastRejection == nil || s.Config.Terminal != nil {
		t.Fatalf("state: got %+v", s)
	}
}

func TestLoadRefusesKeyNoLongerTrusted(t *testing.T) {
	store := appliedStore(t)
	r, err := remote.New(remote.Options{Keys: keyRing(t, otherKey), Site: site, Terminal: terminal,
		Store: store, Clock: clock.Func(newRemoteNow), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	res, rejected, err := r.Load()
	if err != nil || len(rejected) != 3 {
		t.Fatalf("got %d rejected, %v; want 3", len(rejected), err)
	}
	if res.Policy.Timings.CoolingOffS != 10 || res.Watchlist.HasAccount("6217000012345678") {
		t.Fatal("documents of a removed key are still in force")
	}
}

func TestLoadRefusesOtherTerminalsDocument(t *testing.T) {
	store := appliedStore(t)
	r, err := remote.New(remote.Options{Keys: keyRing(t, trustedKey), Site: site, Terminal: "T9",
		Store: store, Clock: clock.Func(newRemoteNow)})
	if err != nil {
		t.Fatal(err)
	}
	_, rejected, _ := r.Load()
	if len(rejected) != 1 || rejected[0].Reason != remote.ReasonWrongScope {
		t.Fatalf("got %+v, want the terminal document refused as wrong_scope", rejected)
	}
}

func TestStateJSON(t *testing.T) {
	r := newRemote(t, appliedStore(t))
	if _, _, err := r.Load(); err != nil {
		t.Fatal(err)
	}
	_, _ = r.Offer(fleetTopic, sign(t, otherKey, dsse.TypeConfig, configDoc(t, "fleet", 3, cooling(20))))
	b, err := r.State()
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	keyID := dsse.KeyID(trustedKey.Public().(ed25519PublicKey))
	want := map[string]any{
		"v": 1.0, "ts": "2026-11-26T10:00:00Z", "site": "S1", "terminal": "T1",
		"config": map[string]any{
			"fleet":    map[string]any{"version": 1.0, "issued": "2026-11-26T09:00:00Z", "keyid": keyID},
			"site":     nil,
			"terminal": map[string]any{"version": 2.0, "issued": "2026-11-26T09:00:00Z", "keyid": keyID},
		},
		"watchlist": map[string]any{"version": 7.0, "issued": "2026-11-26T09:00:00Z", "keyid": keyID,
			"entries": 2.0, "accounts": 1.0, "phones": 1.0},
		"last_rejection": map[string]any{"topic": "tg/v1/config/set", "reason": "unknown_key",
			"text": "not signed by any trusted key", "ts": testNow.Format(time.RFC3339)},
	}
	gb, _ := json.MarshalIndent(got, "", " ")
	wb, _ := json.MarshalIndent(want, "", " ")
	if string(gb) != string(wb) {
		t.Fatalf("got\n%s\nwant\n%s", gb, wb)
	}
}
