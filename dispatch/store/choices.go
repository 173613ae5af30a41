package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// choiceKey is one row of choice_counts.
type choiceKey struct {
	hour         int64
	site, choice string
}

// choiceTally is what a transaction adds to choice_counts. The rows are
// written once each at the end of the transaction, in key order: two
// transactions that count at the same site in the same hour (two
// tgdispatch instances storing batches of session records) then take the
// rows' locks in the same order, briefly, just before their commits. Rows
// updated as each record was stored, in the batch's order, deadlocked on
// PostgreSQL (106 times in a 5,000-terminal fleet run, each a second lost
// and a batch stored again one by one).
type choiceTally map[choiceKey]int64

// countChoice counts a newly stored session record's choice: in the
// transaction's tally, or at once outside a transaction.
func (q Queries) countChoice(ctx context.Context, site, choice string, ts int64) error {
	k := choiceKey{hour: ts / hourMS, site: site, choice: choice}
	if q.tally != nil {
		q.tally[k]++
		return nil
	}
	return q.addChoice(ctx, k, 1)
}

// flushChoices writes the transaction's tally, in key order.
func (q Queries) flushChoices(ctx context.Context) error {
	if len(q.tally) == 0 {
		return nil
	}
	keys := make([]choiceKey, 0, len(q.tally))
	for k := range q.tally {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b choiceKey) int {
		return cmp.Or(cmp.Compare(a.hour, b.hour), cmp.Compare(a.site, b.site), cmp.Compare(a.choice, b.choice))
	})
	for _, k := range keys {
		if err := q.addChoice(ctx, k, q.tally[k]); err != nil {
			return err
		}
	}
	clear(q.tally)
	return nil
}

// addChoice adds n to one row of choice_counts.
func (q Queries) addChoice(ctx context.Context, k choiceKey, n int64) error {
	_, err := q.exec(ctx, `INSERT INTO choice_counts (hour, site, choice, n) VALUES (?, ?, ?, ?)
		ON CONFLICT (hour, site, choice) DO UPDATE SET n = choice_counts.n + excluded.n`, k.hour, k.site, k.choice, n)
	if err != nil {
		return fmt.Errorf("store: count choice %s/%s: %w", k.site, k.choice, err)
	}
	return nil
}
