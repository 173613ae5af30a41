package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/dispatch/seed"
	"github.com/transferguard/transferguard/dispatch/store"
)

// The daily report of a seeded day is one printable page with the day's
// figures, rules, choices, accessible charts and every incident of the
// site and day — none of another site or day.
func TestDailyReport(t *testing.T) {
	ctx := context.Background()
	db := "sqlite:" + filepath.Join(t.TempDir(), "d.db")
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	led, err := seed.Month(ctx, st, seed.Options{Seed: 9, Start: start, Days: 3, Sessions: 400, Sites: []string{"S1", "S2"}}, true)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, i := range led.Incidents {
		if i.Site == "S1" && i.Created.Format(time.DateOnly) == "2026-11-02" {
			want = append(want, i.ID)
		}
	}
	out := filepath.Join(t.TempDir(), "r.html")
	if err := reportCmd([]string{"--db", db, "--site", "S1", "--day", "2026-11-02", "--out", out, "--lang", "en"}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	page := string(b)
	got := regexp.MustCompile(`<tr data-id="([^"]+)">`).FindAllStringSubmatch(page, -1)
	if len(want) == 0 || len(got) != len(want) {
		t.Fatalf("report lists %d incidents, want the %d of S1 on 2026-11-02", len(got), len(want))
	}
	for _, m := range got {
		if !strings.Contains(strings.Join(want, " "), m[1]) {
			t.Errorf("incident %s is not of S1 on that day", m[1])
		}
	}
	for _, s := range []string{"@page { size: A4", `data-f="incidents">` + strconv.Itoa(len(want)) + "<", "Site S1 — daily report 2026-11-02", `id="rules"`, `id="choices"`} {
		if !strings.Contains(page, s) {
			t.Errorf("report lacks %q", s)
		}
	}
	if n := strings.Count(page, `role="img"`); n < 4 || strings.Count(page, "<title id=") != n {
		t.Errorf("report has %d charts, want at least 4, each with a title", n)
	}
	if strings.Contains(page, "<script") || strings.Contains(page, `src="http`) {
		t.Error("report runs a script or fetches something")
	}
	if err := reportCmd([]string{"--db", db, "--site", "S1"}, &bytes.Buffer{}); err == nil {
		t.Error("report without --day accepted")
	}
}
