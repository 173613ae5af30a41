package store

import (
	"context"
	"errors"
	"fmt"
)

// ErrTxBroken is returned by Savepoint when the transaction could not be
// brought back to the savepoint; the whole transaction must be rolled back.
var ErrTxBroken = errors.New("store: transaction cannot continue")

// Savepoint runs fn inside a savepoint of the current transaction: when fn
// fails, what it wrote is undone and the transaction goes on without it.
// This is how one transaction carries several messages (group commit,
// service.HandleBatch) and one bad message does not sink the others.
// Only inside Store.Tx.
func (q Queries) Savepoint(ctx context.Context, fn func() error) error {
	if _, err := q.exec(ctx, `SAVEPOINT tg_one`); err != nil {
		return fmt.Errorf("store: savepoint: %w (%w)", err, ErrTxBroken)
	}
	if err := fn(); err != nil {
		if _, rerr := q.exec(ctx, `ROLLBACK TO SAVEPOINT tg_one`); rerr != nil {
			return fmt.Errorf("store: roll back to savepoint after %w: %w (%w)", err, rerr, ErrTxBroken)
		}
		if _, rerr := q.exec(ctx, `RELEASE SAVEPOINT tg_one`); rerr != nil {
			return fmt.Errorf("store: release savepoint: %w (%w)", rerr, ErrTxBroken)
		}
		return err
	}
	if _, err := q.exec(ctx, `RELEASE SAVEPOINT tg_one`); err != nil {
		return fmt.Errorf("store: release savepoint: %w (%w)", err, ErrTxBroken)
	}
	return nil
}
