package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/dispatch/auth"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/seed"
	"github.com/transferguard/transferguard/dispatch/service"
	"github.com/transferguard/transferguard/dispatch/store"
	"github.com/transferguard/transferguard/dispatch/web"
)

// benchIncidents is the size of the month the effectiveness page is
// measured over (docs/benchmarks.md).
var benchIncidents = 100_000

// go test -run '^$' -bench EffectivenessPageSQLite -benchtime 5x ./dispatch/web/
func BenchmarkEffectivenessPageSQLite(b *testing.B) {
	benchEffectPage(b, "sqlite:"+filepath.Join(b.TempDir(), "d.db"))
}

// benchEffectPage fills dsn with a month of benchIncidents incidents (a
// real seeded month repeated) and measures GET of the month's page.
func benchEffectPage(b *testing.B, dsn string) {
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	led, err := seed.Month(ctx, st, seed.Options{Seed: 4, Start: month0, Days: 30, Sessions: 6000, Sites: []string{"S1", "S2", "S3"}}, true)
	if err != nil {
		b.Fatal(err)
	}
	if err := seed.Repeat(ctx, st, led, benchIncidents); err != nil {
		b.Fatal(err)
	}
	if os.Getenv("TG_BENCH_NO_ANALYZE") == "" { // set it to measure the page without planner statistics
		if err := st.Analyze(ctx); err != nil {
			b.Fatal(err)
		}
	}
	u := store.User{Name: "sup", Role: "supervisor"}
	u.Hash, _ = auth.HashPassword("pw-sup", fast)
	if err := st.PutUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	svc, err := service.New(service.Options{Store: st, Publisher: nopPub{}, Ladder: incident.DefaultLadder(), Log: zerolog.Nop()})
	if err != nil {
		b.Fatal(err)
	}
	w, err := web.New(web.Options{Store: st, Actions: svc, Ladder: incident.DefaultLadder(), Log: zerolog.Nop(), FollowUpAfter: 72 * time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(w)
	defer srv.Close()
	c, _ := (&rig{srv: srv, st: st}).login(b, "sup")
	page := srv.URL + "/supervisor/effectiveness?from=2026-11-01&to=2026-11-30"
	b.ResetTimer()
	cpu0 := processCPU()
	for range b.N {
		res, err := c.Get(page)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
	// the deferred closes (and the caller's pgtest Stop, which removes a
	// gigabyte of cluster) are not the page: they ran inside the timer
	// before, adding seconds per run to the PostgreSQL figure
	b.StopTimer()
	// the CPU this process spent (server and client; PostgreSQL's own is not counted)
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

func init() {
	if n, err := strconv.Atoi(os.Getenv("TG_BENCH_INCIDENTS")); err == nil && n > 0 {
		benchIncidents = n
	}
}
