package remote_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/dsse"
	"github.com/transferguard/transferguard/agent/remote"
)

// remoteAt is a Remote whose clock the test moves.
func remoteAt(t *testing.T, now *time.Time) *remote.Remote {
	t.Helper()
	r, err := remote.New(remote.Options{Keys: keyRing(t, trustedKey), Site: site, Terminal: terminal,
		Store: &remote.MemStore{}, Clock: clock.Func(func() time.Time { return *now }), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func expiringConfig(t *testing.T, version int, expires string) []byte {
	return doc(t, fmt.Sprintf(`"version":%d,"issued":"2026-11-26T09:00:00Z","expires":%q,"scope":"fleet"`, version, expires), cooling(12))
}

func reasonOf(err error) remote.Reason {
	var rej *remote.Rejection
	if errors.As(err, &rej) {
		return rej.Reason
	}
	return ""
}

// A document is accepted before its "expires" and refused with reason
// expired after it, config and watchlist alike; the refusal is on
// config/state with its time, until the next applied document clears it.
func TestExpiredDocumentRefused(t *testing.T) {
	now := testNow
	r := remoteAt(t, &now)
	fresh := sign(t, trustedKey, dsse.TypeConfig, expiringConfig(t, 1, "2026-11-27T10:00:00Z"))
	if _, err := r.Offer(remote.FleetConfigTopic, fresh); err != nil {
		t.Fatalf("unexpired document refused: %v", err)
	}
	now = testNow.Add(48 * time.Hour)
	if _, err := r.Offer(remote.FleetConfigTopic, fresh); err != nil {
		t.Fatalf("retained redelivery of the applied document: %v, want unchanged", err)
	}
	old := sign(t, trustedKey, dsse.TypeConfig, expiringConfig(t, 2, "2026-11-27T10:00:00Z"))
	if _, err := r.Offer(remote.FleetConfigTopic, old); reasonOf(err) != remote.ReasonExpired {
		t.Fatalf("expired config: got %v, want expired", err)
	}
	wl := []byte(`{"version":1,"issued":"2026-11-26T09:00:00Z","expires":"2026-11-27T00:00:00Z","accounts":["6217001234560123"]}`)
	if _, err := r.Offer(remote.WatchlistTopic, sign(t, trustedKey, dsse.TypeWatchlist, wl)); reasonOf(err) != remote.ReasonExpired {
		t.Fatalf("expired watchlist: got %v, want expired", err)
	}
	last := r.Snapshot().LastRejection
	if last == nil || last.Reason != "expired" || !last.TS.Equal(now) {
		t.Fatalf("last_rejection = %+v, want expired at %s", last, now)
	}
	if got := r.Snapshot().Config.Fleet.Version; got != 1 {
		t.Fatalf("fleet version %d in force, want 1", got)
	}
	next := sign(t, trustedKey, dsse.TypeConfig, configDoc(t, "fleet", 3, cooling(15)))
	if _, err := r.Offer(remote.FleetConfigTopic, next); err != nil {
		t.Fatal(err)
	}
	if last := r.Snapshot().LastRejection; last != nil {
		t.Fatalf("last_rejection %+v still reported after a document was applied", last)
	}
}

// A 50 MB config, as the MQTT link hands it on (cut to limit+1 bytes), is
// reported on config/state as too_large.
func TestOversizedConfigReportedTooLarge(t *testing.T) {
	now := testNow
	r := remoteAt(t, &now)
	cut := bytes.Repeat([]byte("x"), dsse.MaxConfigEnvelope+1)
	if _, err := r.Offer(remote.FleetConfigTopic, cut); reasonOf(err) != remote.ReasonTooLarge {
		t.Fatalf("got %v, want too_large", err)
	}
	st, err := r.State()
	if err != nil || !bytes.Contains(st, []byte(`"reason":"too_large"`)) {
		t.Fatalf("config/state %s (%v), want too_large", st, err)
	}
}
