package seed

import (
	"context"
	"fmt"

	"github.com/transferguard/transferguard/dispatch/store"
)

// Repeat copies the ledger's incidents and session records into st
// until it holds n incidents: each copy gets new ids (incident, alert,
// record) and keeps its times, so a benchmark has a realistic month of n
// incidents without playing n sessions through the core. Steps are not
// copied.
func Repeat(ctx context.Context, st *store.Store, led *Ledger, n int) error {
	if len(led.Incidents) == 0 {
		return fmt.Errorf("seed: repeat: empty ledger")
	}
	for copyN, done := 1, len(led.Incidents); done < n; copyN++ {
		err := st.Tx(ctx, func(q store.Queries) error {
			for k := 0; k < len(led.Incidents) && done < n; k++ {
				i := led.Incidents[k]
				i.ID, i.AlertID = store.NewID(), fmt.Sprintf("%s-c%d", i.AlertID, copyN)
				if _, err := q.CreateIncident(ctx, &i); err != nil {
					return err
				}
				done++
			}
			for _, r := range led.Records {
				r.ID, r.Session = fmt.Sprintf("%s-c%d", r.ID, copyN), fmt.Sprintf("%s-c%d", r.Session, copyN)
				if r.AlertID != "" {
					r.AlertID = fmt.Sprintf("%s-c%d", r.AlertID, copyN)
				}
				if err := q.PutSessionRecord(ctx, r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("seed: repeat: %w", err)
		}
	}
	return nil
}
