package incident

import (
	"testing"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

// An agent whose disk refuses writes raises a storage incident; its
// return to ok recovers it (CONTRACT §12).
func TestStorageDegradedRaisesAndRecovers(t *testing.T) {
	ok := envelope.Status{State: "online", Boot: "b", Link: "up", UI: "off", Storage: string(wire.StorageOK)}
	bad := ok
	bad.Storage = string(wire.StorageDegraded)
	if c := HealthChanges(&ok, bad); len(c) != 1 || c[0].Kind != KindStorage || !c[0].Raise {
		t.Errorf("ok→degraded: %+v, want storage raised", c)
	}
	if c := HealthChanges(&bad, ok); len(c) != 1 || c[0].Kind != KindStorage || c[0].Raise {
		t.Errorf("degraded→ok: %+v, want storage recovered", c)
	}
	if c := HealthChanges(&bad, bad); len(c) != 0 {
		t.Errorf("degraded→degraded: %+v, want nothing", c)
	}
}
