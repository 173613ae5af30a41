package outbox

import "github.com/transferguard/transferguard/agent/wire"

// counters is a snapshot of the queue counters, restored when a write
// transaction fails after it began adjusting them.
type counters struct{ count, sessions, alerts int }

func (o *Outbox) counters() counters { return counters{o.count, o.sessions, o.alerts} }

func (o *Outbox) restore(c counters) { o.count, o.sessions, o.alerts = c.count, c.sessions, c.alerts }

// Storage is wire.StorageOK while messages reach the disk, and
// wire.StorageDegraded while the disk refuses them (full, read-only,
// damaged) and they are held in memory: still delivered while the
// process lives, lost if it dies.
func (o *Outbox) Storage() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.degraded {
		return string(wire.StorageDegraded)
	}
	return string(wire.StorageOK)
}

// StorageChanged receives a value when Storage changes (coalesced), so the
// MQTT link republishes the status.
func (o *Outbox) StorageChanged() <-chan struct{} { return o.storage }

// setDegraded records the storage state and signals a change; o.mu held.
func (o *Outbox) setDegraded(d bool) {
	if o.degraded == d {
		return
	}
	o.degraded = d
	if !d {
		o.log.Info().Str("path", o.path).Msg("outbox writes reach the disk again (storage ok)")
	}
	select {
	case o.storage <- struct{}{}:
	default:
	}
}
