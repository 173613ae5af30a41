//go:build pg

package service

import (
	"context"
	"testing"

	"github.com/transferguard/transferguard/dispatch/pgtest"
	"github.com/transferguard/transferguard/dispatch/store"
)

// go test -tags pg -run '^$' -bench HandleAlert ./dispatch/service/
func BenchmarkHandleAlertPostgres(b *testing.B) {
	pg, err := pgtest.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer pg.Stop()
	st, err := store.Open(context.Background(), pg.Database(b))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	benchAlerts(b, st)
}
