package store

import "context"

// RebuildEffectTables empties incident_rules and choice_counts and fills
// them again as their migrations do, for the external tests that check
// the backfills.
func (s *Store) RebuildEffectTables(ctx context.Context) error {
	return s.Tx(ctx, func(q Queries) error {
		for _, m := range []string{`DELETE FROM incident_rules`, `DELETE FROM choice_counts`, backfillChoices, backfillRules} {
			if err := q.apply(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
}
