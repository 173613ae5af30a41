package store

import "context"

// RebuildIncidentRules empties incident_rules and fills it again as the
// migration does, for the external tests that check the backfill.
func (s *Store) RebuildIncidentRules(ctx context.Context) error {
	return s.Tx(ctx, func(q Queries) error {
		if _, err := q.exec(ctx, `DELETE FROM incident_rules`); err != nil {
			return err
		}
		return backfillIncidentRules(ctx, q)
	})
}
