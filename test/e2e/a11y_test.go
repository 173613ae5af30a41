//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/transferguard/transferguard/internal/mosquittotest"
)

// axeJS is axe-core's browser build, installed by scripts/deps.sh (npm).
func axeJS(t *testing.T) string {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(here), ".axe", "node_modules", "axe-core", "axe.min.js")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("e2e: axe-core not found at %s: run scripts/deps.sh (npm install axe-core); the accessibility test never skips", path)
	}
	return string(b)
}

// violation is what axe reports of one rule a page breaks.
type violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []string `json:"target"`
	} `json:"nodes"`
}

// audit runs axe-core on the open page and fails the test for every
// serious or critical violation.
func audit(t *testing.T, ctx context.Context, axe, name string) {
	t.Helper()
	if _, err := value(ctx, 10*time.Second, chromedp.Evaluate[bool](axe+";true")); err != nil {
		t.Fatalf("%s: inject axe-core: %v", name, err)
	}
	out, err := value(ctx, 30*time.Second, chromedp.Evaluate[string](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe.run: %v", name, err)
	}
	var vs []violation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("%s: axe result: %v", name, err)
	}
	for _, v := range vs {
		if v.Impact != "serious" && v.Impact != "critical" {
			continue
		}
		var where []string
		for _, n := range v.Nodes {
			where = append(where, strings.Join(n.Target, " "))
		}
		t.Errorf("%s: %s (%s): %s — at %s", name, v.ID, v.Impact, v.Help, strings.Join(where, "; "))
	}
}

// TestAccessibility: axe-core finds no serious or critical violation on
// any console page (login, guard list with a card, incident story,
// supervisor view with charts), on a phone and on a desktop, in Chinese.
func TestAccessibility(t *testing.T) {
	axe := axeJS(t)
	broker := mosquittotest.Start(t)
	d := startDispatch(t, broker.URL(), "")
	agent := agentClient(t, broker.URL(), "agent-a11y")
	agent.Publish("tg/v1/S1/T1/alert", 1, false, alertJSON("m-ax", "A-ax", "S1", "T1", "high")).WaitTimeout(5 * time.Second)
	agent.Publish("tg/v1/S1/T1/alert", 1, false, alertJSON("m-ax2", "A-ax2", "S1", "T1", "medium")).WaitTimeout(5 * time.Second)
	for _, size := range []struct {
		name string
		w, h int64
	}{{"phone", 390, 844}, {"desktop", 1280, 900}} {
		guard := browser(t)
		if err := run(guard, 5*time.Second, chromedp.EmulateViewport(size.w, size.h)); err != nil {
			t.Fatal(err)
		}
		if err := run(guard, 10*time.Second, chromedp.Navigate(d.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("#login"))); err != nil {
			t.Fatal(err)
		}
		audit(t, guard, axe, size.name+" login")
		login(t, guard, d.URL)
		card := `article[data-alert="A-ax"]`
		if err := run(guard, 10*time.Second, chromedp.WaitVisible(chromedp.CSS(card)), chromedp.Click(chromedp.CSS(card+" details.resolve summary"))); err != nil {
			t.Fatal(err)
		}
		audit(t, guard, axe, size.name+" guard list")
		if err := run(guard, 10*time.Second, chromedp.Click(chromedp.CSS(card+" .sub a")), chromedp.WaitVisible(chromedp.CSS("#steps"))); err != nil {
			t.Fatal(err)
		}
		audit(t, guard, axe, size.name+" incident")
		sup := browser(t)
		if err := run(sup, 5*time.Second, chromedp.EmulateViewport(size.w, size.h)); err != nil {
			t.Fatal(err)
		}
		loginAs(t, sup, d.URL, "super", "super-password")
		if err := run(sup, 10*time.Second, chromedp.Navigate(d.URL+"/supervisor"), chromedp.WaitVisible(chromedp.CSS("#charts svg"))); err != nil {
			t.Fatal(err)
		}
		audit(t, sup, axe, size.name+" supervisor")
		screenshot(t, sup, size.name+"-supervisor")
		wrapped, err := value(sup, 5*time.Second, chromedp.Evaluate[string](fmt.Sprintf(`[...document.querySelectorAll("th, td")].filter(c => c.textContent.trim().length > 1 &&
		  c.getBoundingClientRect().width < %d).map(c => c.textContent.trim()).join("|")`, 20)))
		if err != nil || wrapped != "" {
			t.Errorf("%s supervisor: table cells one character wide: %q (%v)", size.name, wrapped, err)
		}
	}
}
