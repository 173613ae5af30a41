//go:build e2e

package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium is where Debian installs the browser.
const chromium = "/usr/bin/chromium"

// browser starts a headless Chromium with a fresh profile, set up like a
// guard's phone in a Chinese branch (Accept-Language zh-CN; Debian's
// Chromium otherwise sends en-US, which the console would honour); missing
// Chromium fails the test (CI installs it through scripts/deps.sh).
func browser(t testing.TB) context.Context {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("e2e: %s not found: install Debian's chromium (scripts/deps.sh); browser tests never skip", chromium)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(420, 900),
		chromedp.Flag("lang", "zh-CN"), chromedp.Flag("accept-lang", "zh-CN,zh"),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("e2e: start chromium: %v", err)
	}
	return ctx
}

// login signs guard1 in and waits for the live list.
func login(t testing.TB, ctx context.Context, base string) {
	t.Helper()
	loginAs(t, ctx, base, "guard1", "guard-password")
}

// loginAs signs a user in and waits for the live list.
func loginAs(t testing.TB, ctx context.Context, base, name, password string) {
	t.Helper()
	err := run(ctx, 20*time.Second,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#name"), name),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#list")),
		chromedp.WaitVisible(chromedp.CSS("#live.on")),
	)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
}

// run runs actions with a deadline.
func run(ctx context.Context, d time.Duration, actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// value runs one action that returns a value, with a deadline.
func value[T any](ctx context.Context, d time.Duration, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return chromedp.Run(ctx, a)
}

// screenshot saves the page to $TG_E2E_SHOTS/name.png when that is set.
func screenshot(t testing.TB, ctx context.Context, name string) {
	dir := os.Getenv("TG_E2E_SHOTS")
	if dir == "" {
		return
	}
	png, err := value(ctx, 10*time.Second, chromedp.FullScreenshot(90))
	if err != nil {
		t.Logf("screenshot: %v", err)
		return
	}
	_ = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
}
