//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/internal/mosquittotest"
)

// observer records, in the page, when each alert's card first appears.
const observer = `(() => {
  window.__seen = {};
  const mark = () => document.querySelectorAll('article[data-alert]').forEach(a => {
    if (!(a.dataset.alert in __seen)) __seen[a.dataset.alert] = Date.now();
  });
  new MutationObserver(mark).observe(document.getElementById('list'), {childList: true, subtree: true});
  return true;
})()`

// BenchmarkConsole measures, through the real binary, mosquitto and
// Chromium: alert published → card shown in an open console (SSE), and
// claim clicked → dispatch message received by the agent. Each iteration
// resolves its incident so the list stays short. Times are wall-clock
// milliseconds on both sides (Date.now in the page, time.Now here).
// TG_E2E_BROKER=tcp://… uses a broker you started (e.g. with
// set_tcp_nodelay true) instead of a fresh mosquitto.
//
//	go test -tags e2e -run '^$' -bench Console -benchtime 200x ./test/e2e/
func BenchmarkConsole(b *testing.B) {
	brokerURL := os.Getenv("TG_E2E_BROKER")
	if brokerURL == "" {
		brokerURL = mosquittotest.Start(b).URL()
	}
	d := startDispatch(b, brokerURL, "")
	ctx := browser(b)
	login(b, ctx, d.URL)
	if _, err := value(ctx, 5*time.Second, chromedp.Evaluate[bool](observer)); err != nil {
		b.Fatal(err)
	}
	agent := agentClient(b, brokerURL, "bench-agent")
	type got struct {
		d  envelope.Dispatch
		at float64
	}
	claims := make(chan got, 16)
	agent.Subscribe("tg/v1/S1/T1/dispatch", 1, func(_ mqtt.Client, m mqtt.Message) {
		at := nowMS()
		var dm envelope.Dispatch
		if json.Unmarshal(m.Payload(), &dm) == nil && dm.State == "claimed" {
			claims <- got{dm, at}
		}
	}).WaitTimeout(5 * time.Second)
	var shown, claimed []float64
	b.ResetTimer()
	for n := range b.N {
		id := fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), n)
		sent := nowMS()
		agent.Publish("tg/v1/S1/T1/alert", 1, false, alertJSON("m-"+id, id, "S1", "T1", "high"))
		seen := waitSeen(b, ctx, id)
		shown = append(shown, seen-sent)
		click, err := value(ctx, 5*time.Second, chromedp.Evaluate[float64](fmt.Sprintf(
			`(() => { const t = Date.now(); document.querySelector('article[data-alert=%q] button[data-action="claim"]').click(); return t; })()`, id)))
		if err != nil {
			b.Fatal(err)
		}
		select {
		case g := <-claims:
			if g.d.AlertID != id {
				b.Fatalf("dispatch for %s, want %s", g.d.AlertID, id)
			}
			claimed = append(claimed, g.at-click)
		case <-time.After(5 * time.Second):
			b.Fatal("no dispatch")
		}
		resolve(b, ctx, id)
	}
	b.StopTimer()
	b.ReportMetric(pct(shown, 50), "shown-p50-ms")
	b.ReportMetric(pct(shown, 99), "shown-p99-ms")
	b.ReportMetric(pct(claimed, 50), "claim-p50-ms")
	b.ReportMetric(pct(claimed, 99), "claim-p99-ms")
}

// waitSeen polls the page's record until the card of id has appeared.
func waitSeen(b *testing.B, ctx context.Context, id string) float64 {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		v, err := value(ctx, 5*time.Second, chromedp.Evaluate[float64](fmt.Sprintf(`window.__seen[%q] || 0`, id)))
		if err != nil {
			b.Fatal(err)
		}
		if v > 0 {
			return v
		}
		time.Sleep(2 * time.Millisecond)
	}
	b.Fatalf("card of %s never appeared", id)
	return 0
}

// resolve closes the incident from the page, as the Resolve button would.
func resolve(b *testing.B, ctx context.Context, id string) {
	js := fmt.Sprintf(`(async () => {
	  const a = document.querySelector('article[data-alert=%q]');
	  const r = await fetch('/incidents/' + a.dataset.id + '/resolve', {method: 'POST',
	    headers: {'X-CSRF-Token': document.body.dataset.csrf, 'Content-Type': 'application/x-www-form-urlencoded'},
	    body: 'outcome=false_alarm'});
	  return r.status;
	})()`, id)
	st, err := value(ctx, 5*time.Second, chromedp.Evaluate[int](js, chromedp.EvalAwaitPromise))
	if err != nil || st != 204 {
		b.Fatalf("resolve %s: %d %v", id, st, err)
	}
}

func nowMS() float64 { return float64(time.Now().UnixNano()) / 1e6 }

// pct is the p-th percentile of xs.
func pct(xs []float64, p int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}
