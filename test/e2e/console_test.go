//go:build e2e

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/transferguard/transferguard/internal/mosquittotest"
)

// TestGuardClaimsLiveAlert: a guard logs in, an alert appears without a
// reload, the guard claims it, and the agent receives the dispatch message.
func TestGuardClaimsLiveAlert(t *testing.T) {
	broker := mosquittotest.Start(t)
	d := startDispatch(t, broker.URL(), "")
	ctx := browser(t)
	login(t, ctx, d.URL)

	if err := run(ctx, 5*time.Second, chromedp.Click(chromedp.CSS("#sound"))); err != nil {
		t.Fatalf("turn sound on: %v", err)
	}
	agent := agentClient(t, broker.URL(), "agent-S1-T1")
	dispatches := subscribeDispatch(t, agent, "S1", "T1")
	other := alertJSON("m-other", "A-other", "S2", "T9", "high") // another site: guard1 must not see it
	agent.Publish("tg/v1/S2/T9/alert", 1, false, other).WaitTimeout(5 * time.Second)
	if tok := agent.Publish("tg/v1/S1/T1/alert", 1, false, alertJSON("m-e2e", "A-e2e", "S1", "T1", "high")); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("publish alert: %v", tok.Error())
	}
	card := `article[data-alert="A-e2e"]`
	if err := run(ctx, 10*time.Second, chromedp.WaitVisible(chromedp.CSS(card))); err != nil {
		t.Fatalf("alert never appeared in the open console: %v", err)
	}
	text, err := value(ctx, 5*time.Second, chromedp.Text(chromedp.CSS(card)))
	if err != nil {
		t.Fatal(err)
	}
	// Chinese first: the console's words are Chinese, the reason stays as the agent wrote it
	for _, want := range []string{"高", "风险", "待处理", "Customer is on the phone", "lobby, left ATM", "¥50,000.00", "交易已暂停", "67岁", "刚刚"} {
		if !strings.Contains(text, want) {
			t.Errorf("card lacks %q: %s", want, text)
		}
	}
	claim, err := value(ctx, 5*time.Second, chromedp.Text(chromedp.CSS(card+` form.claim-row`)))
	if err != nil || !strings.HasPrefix(claim, "接警") || !strings.Contains(claim, "3分钟到") {
		t.Errorf("claim row reads %q (%v), want 接警 with arrival times by default", claim, err)
	}
	lang, err := value(ctx, 5*time.Second, chromedp.Evaluate[string](`document.documentElement.lang + " " + document.getElementById("live").textContent`))
	if err != nil || lang != "zh-CN 实时" {
		t.Errorf("page lang and live label %q (%v), want zh-CN 实时", lang, err)
	}
	others, err := value(ctx, 5*time.Second, chromedp.Evaluate[int](`document.querySelectorAll('article[data-alert="A-other"]').length`))
	if err != nil || others != 0 {
		t.Fatal("guard of S1 sees an alert of S2")
	}
	beeps, err := value(ctx, 5*time.Second, chromedp.Evaluate[string](`document.body.dataset.beeps || "0"`))
	if err != nil || beeps != "2" { // one when sound was turned on, one for the new high alert
		t.Errorf("beeps %q, want 2: no sound for a new high alert", beeps)
	}
	screenshot(t, ctx, "guard-new-alert")
	if err := run(ctx, 10*time.Second, chromedp.Click(chromedp.CSS(card+` button[data-action="claim"][data-eta="180"]`))); err != nil {
		t.Fatalf("click claim: %v", err)
	}
	select {
	case got := <-dispatches:
		// the customer is told who is coming and when (CONTRACT §7)
		if got.AlertID != "A-e2e" || got.State != "claimed" || got.Guard != "guard1" || got.GuardName != "王师傅" || got.ETAS != 180 {
			t.Fatalf("dispatch %+v, want A-e2e claimed by guard1 as 王师傅 with eta_s 180", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the agent received no dispatch message")
	}
	if err := run(ctx, 10*time.Second, chromedp.WaitVisible(chromedp.CSS(card+`[data-state="claimed"] button[data-action="arrive"]`))); err != nil {
		t.Fatalf("card did not turn claimed: %v", err)
	}
	screenshot(t, ctx, "guard-claimed")
}

// TestSupervisorReadsTheDay: a guard works an incident to the end in the
// browser; the supervisor then sees the terminal's state and the day's
// outcome, and the incident's whole story.
func TestSupervisorReadsTheDay(t *testing.T) {
	broker := mosquittotest.Start(t)
	d := startDispatch(t, broker.URL(), "")
	agent := agentClient(t, broker.URL(), "agent-S1-T1")
	status := `{"state":"online","ts":"2026-11-26T10:00:00Z","boot":"b1","agent":"0.1.0","link":"up","ui":"up"}`
	agent.Publish("tg/v1/S1/T1/status", 1, true, status).WaitTimeout(5 * time.Second)
	guard := browser(t)
	login(t, guard, d.URL)
	agent.Publish("tg/v1/S1/T1/alert", 1, false, alertJSON("m-day", "A-day", "S1", "T1", "high")).WaitTimeout(5 * time.Second)
	card := `article[data-alert="A-day"]`
	err := run(guard, 20*time.Second,
		chromedp.WaitVisible(chromedp.CSS(card+` button[data-action="claim"]`)),
		chromedp.Click(chromedp.CSS(card+` button[data-action="claim"]`)),
		chromedp.WaitVisible(chromedp.CSS(card+` button[data-action="arrive"]`)),
		chromedp.Click(chromedp.CSS(card+` button[data-action="arrive"]`)),
		chromedp.WaitVisible(chromedp.CSS(card+`[data-state="arrived"]`)),
		chromedp.Click(chromedp.CSS(card+" details.resolve summary")),
		chromedp.Click(chromedp.CSS(card+` input[name=outcome][value="fraud_stopped"]`)),
		chromedp.SendKeys(chromedp.CSS(card+" input[name=note]"), "customer called the bank"),
		chromedp.Click(chromedp.CSS(card+` button[data-action="resolve"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(card)),
	)
	if err != nil {
		t.Fatalf("guard could not work the incident: %v", err)
	}
	sup := browser(t)
	loginAs(t, sup, d.URL, "super", "super-password")
	if err := run(sup, 10*time.Second, chromedp.Navigate(d.URL+"/supervisor"), chromedp.WaitVisible(chromedp.CSS("table.grid"))); err != nil {
		t.Fatal(err)
	}
	page, err := value(sup, 5*time.Second, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"lobby, left ATM", "在线", "0.1.0", "已阻止诈骗: 1", "CNY 50,000.00", "数据表"} {
		if !strings.Contains(page, want) {
			t.Errorf("supervisor view lacks %q:\n%s", want, page)
		}
	}
	if err := run(sup, 5*time.Second, chromedp.WaitVisible(chromedp.CSS(`#terminals td[data-state="online"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#days [data-outcome="fraud_stopped"][data-count="1"]`))); err != nil {
		t.Errorf("supervisor view lacks the online terminal or the outcome: %v", err)
	}
	screenshot(t, sup, "supervisor")
	// the switch turns the page, and the next ones, English
	if err := run(sup, 10*time.Second, chromedp.Click(chromedp.CSS(`#langs a[data-lang="en"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en"] #days`))); err != nil {
		t.Fatalf("switch to English: %v", err)
	}
	page, err = value(sup, 5*time.Second, chromedp.Text(chromedp.CSS("main")))
	if err != nil || !strings.Contains(page, "Fraud stopped: 1") || !strings.Contains(page, "Last heard") {
		t.Errorf("supervisor view after switching to English:\n%s", page)
	}
}
