//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/transferguard/transferguard/internal/mosquittotest"
)

// phone is a 390×844 portrait touch screen, like a guard's phone.
var phone = chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait)

// TestPhoneConsole: on a phone-sized console the card's first line says
// the level, where to run, the customer's age and how long ago; the sound
// preference survives a reload; resolving cannot be sent without an
// outcome (the browser will not submit, the server answers 400); a claim
// with "3 min" reaches the agent as eta_s=180 with the guard's display name.
func TestPhoneConsole(t *testing.T) {
	broker := mosquittotest.Start(t)
	d := startDispatch(t, broker.URL(), "")
	ctx := browser(t)
	if err := run(ctx, 5*time.Second, phone); err != nil {
		t.Fatal(err)
	}
	login(t, ctx, d.URL)
	agent := agentClient(t, broker.URL(), "agent-phone")
	dispatches := subscribeDispatch(t, agent, "S1", "T1")
	agent.Publish("tg/v1/S1/T1/alert", 1, false, alertJSON("m-ph", "A-ph", "S1", "T1", "high")).WaitTimeout(5 * time.Second)
	card := `article[data-alert="A-ph"]`
	if err := run(ctx, 10*time.Second, chromedp.WaitVisible(chromedp.CSS(card))); err != nil {
		t.Fatalf("alert never appeared: %v", err)
	}
	first, err := value(ctx, 5*time.Second, chromedp.Evaluate[string](`(() => { const f = document.querySelector('article[data-alert="A-ph"] [data-first]');
	  const r = f.getBoundingClientRect(); return f.textContent + "|" + (r.bottom <= innerHeight && r.right <= innerWidth) + "|" + innerWidth; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if parts := strings.Split(first, "|"); len(parts) != 3 || parts[0] != "高 · lobby, left ATM · 67岁 · 刚刚" || parts[1] != "true" || parts[2] != "390" {
		t.Errorf("first line on the phone: %q, want 高 · lobby, left ATM · 67岁 · 刚刚 on screen at 390 px", first)
	}
	screenshot(t, ctx, "phone-new-alert")

	// the sound choice is remembered across a reload
	pressed, err := value(ctx, 10*time.Second, chromedp.Evaluate[string](`document.getElementById("sound").click(), location.reload(), "x"`))
	if err == nil {
		err = run(ctx, 10*time.Second, chromedp.WaitVisible(chromedp.CSS("#live.on")))
	}
	if err == nil {
		pressed, err = value(ctx, 5*time.Second, chromedp.Evaluate[string](`document.getElementById("sound").getAttribute("aria-pressed") + " " + localStorage.getItem("tg.sound")`))
	}
	if err != nil || pressed != "true on" {
		t.Errorf("sound after a reload: %q (%v), want on", pressed, err)
	}

	// resolve without an outcome: the browser refuses, the server too
	got, err := value(ctx, 10*time.Second, chromedp.Evaluate[string](`(async () => {
	  const a = document.querySelector('article[data-alert="A-ph"]');
	  a.querySelector('details.resolve summary').click();
	  let posted = false;
	  const orig = window.fetch;
	  window.fetch = (u, o) => { if (String(u).endsWith('/resolve')) posted = true; return orig(u, o); };
	  a.querySelector('button[data-action="resolve"]').click();
	  await new Promise(r => setTimeout(r, 300));
	  window.fetch = orig;
	  const valid = a.querySelector('form.resolve').checkValidity();
	  const r = await fetch('/incidents/' + a.dataset.id + '/resolve', {method: 'POST',
	    headers: {'X-CSRF-Token': document.body.dataset.csrf, 'Content-Type': 'application/x-www-form-urlencoded'}, body: 'note=left'});
	  return posted + " " + valid + " " + r.status;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil || got != "false false 400" {
		t.Errorf("resolve without an outcome: posted/valid/status %q (%v), want false false 400", got, err)
	}
	screenshot(t, ctx, "phone-resolve-open")

	if err := run(ctx, 10*time.Second, chromedp.Click(chromedp.CSS(card+` button[data-action="claim"][data-eta="180"]`))); err != nil {
		t.Fatalf("claim: %v", err)
	}
	select {
	case dm := <-dispatches:
		if dm.State != "claimed" || dm.ETAS != 180 || dm.GuardName != "王师傅" || dm.AlertID != "A-ph" {
			t.Errorf("dispatch %+v, want claimed, eta_s 180, guard_name 王师傅", dm)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the agent received no dispatch")
	}
	if err := run(ctx, 10*time.Second, chromedp.WaitVisible(chromedp.CSS(card+`[data-state="claimed"]`))); err != nil {
		t.Fatalf("card did not turn claimed: %v", err)
	}
	screenshot(t, ctx, "phone-claimed")
}

// pocketStub stands in, in the page under test, for what headless Chromium
// lacks or refuses: a page in the background (document.visibilityState is
// always "visible" headless), notification permission (denied headless)
// and a vibration motor (navigator.vibrate does nothing without one). The
// calls the console makes are recorded in window.__notes and __vibes.
const pocketStub = `(() => {
  window.__notes = []; window.__vibes = [];
  Object.defineProperty(document, "visibilityState", {get: () => "hidden", configurable: true});
  Object.defineProperty(document, "hidden", {get: () => true, configurable: true});
  function N(title, opts) { window.__notes.push({title: title, tag: opts && opts.tag, renotify: !!(opts && opts.renotify)}); }
  N.permission = "granted";
  N.requestPermission = () => Promise.resolve("granted");
  N.prototype.close = function () {};
  window.Notification = N;
  navigator.vibrate = (p) => { window.__vibes.push(p); return true; };
})()`

// stubPocket installs pocketStub in every document the tab loads.
func stubPocket(t *testing.T, ctx context.Context) {
	t.Helper()
	err := run(ctx, 5*time.Second, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: pocketStub})
		return err
	}))
	if err != nil {
		t.Fatalf("install the pocket stub: %v", err)
	}
}
