package web_test

import (
	"context"
	"os"
	"testing"

	"github.com/transferguard/transferguard/dispatch/seed"
	"github.com/transferguard/transferguard/dispatch/store"
)

func TestZZMakeDB(t *testing.T) {
	dsn := os.Getenv("TG_MAKE_DB")
	if dsn == "" {
		t.Skip()
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	led, err := seed.Month(ctx, st, seed.Options{Seed: 4, Start: month0, Days: 30, Sessions: 6000, Sites: []string{"S1", "S2", "S3"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.Repeat(ctx, st, led, benchIncidents); err != nil {
		t.Fatal(err)
	}
	if err := st.Analyze(ctx); err != nil {
		t.Fatal(err)
	}
}
