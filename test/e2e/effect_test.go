//go:build e2e

package e2e

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/transferguard/transferguard/dispatch/seed"
	"github.com/transferguard/transferguard/dispatch/store"
	"github.com/transferguard/transferguard/internal/mosquittotest"
)

// TestEffectivenessPage: over a seeded month, the effectiveness page
// draws its three charts inside the viewport on a phone and on a desktop,
// the page does not scroll sideways, and axe-core finds no
// serious or critical violation.
func TestEffectivenessPage(t *testing.T) {
	axe := axeJS(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "seeded.db")
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = seed.Month(context.Background(), st, seed.Options{Seed: 11, Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Days: 30, Sessions: 800, Sites: []string{"S1", "S2"}}, false)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	broker := mosquittotest.Start(t)
	d := startDispatch(t, broker.URL(), db)
	for _, size := range []struct {
		name string
		w, h int64
	}{{"phone", 390, 844}, {"desktop", 1280, 900}} {
		sup := browser(t)
		if err := run(sup, 5*time.Second, chromedp.EmulateViewport(size.w, size.h)); err != nil {
			t.Fatal(err)
		}
		loginAs(t, sup, d.URL, "super", "super-password")
		if err := run(sup, 10*time.Second, chromedp.Navigate(d.URL+"/supervisor/effectiveness?from=2026-11-01&to=2026-11-30"),
			chromedp.WaitVisible(chromedp.CSS("#effect-charts svg"))); err != nil {
			t.Fatal(err)
		}
		drawn, err := value(sup, 5*time.Second, chromedp.Evaluate[int](`[...document.querySelectorAll("#effect-charts svg[role=img]")].filter(s => {
			const r = s.getBoundingClientRect(); return r.width > 200 && r.height > 100 && r.right <= window.innerWidth + 1 &&
			s.querySelector("title") && s.querySelectorAll("rect").length > 2 }).length`))
		if err != nil || drawn != 3 {
			t.Errorf("%s: %d charts drawn inside the viewport with a title and bars, want 3 (%v)", size.name, drawn, err)
		}
		overflow, err := value(sup, 5*time.Second, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
		if err != nil || overflow {
			t.Errorf("%s: the page scrolls sideways (%v)", size.name, err)
		}
		rows, err := value(sup, 5*time.Second, chromedp.Evaluate[int](`document.querySelectorAll("#rules tbody tr[data-rule]").length`))
		if err != nil || rows < 6 {
			t.Errorf("%s: %d rule rows (%v)", size.name, rows, err)
		}
		audit(t, sup, axe, size.name+" effectiveness")
		screenshot(t, sup, size.name+"-effectiveness")
	}
}
