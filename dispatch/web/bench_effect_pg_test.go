//go:build pg

package web_test

import (
	"testing"

	"github.com/transferguard/transferguard/dispatch/pgtest"
)

// go test -tags pg -run '^$' -bench EffectivenessPagePostgres -benchtime 5x ./dispatch/web/
func BenchmarkEffectivenessPagePostgres(b *testing.B) {
	pg, err := pgtest.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer pg.Stop()
	benchEffectPage(b, pg.Database(b))
}
