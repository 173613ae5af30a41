package wire

// StorageState is the "storage" field of an agent's retained status
// (CONTRACT §12): whether its state directory takes writes.
type StorageState string

// Storage states.
const (
	// StorageOK: alerts are written to disk before they are acknowledged.
	StorageOK StorageState = "ok"
	// StorageDegraded: the disk refuses writes (full, read-only, damaged);
	// messages are held in a bounded memory queue and lost if the agent dies.
	StorageDegraded StorageState = "degraded"
)
