//go:build e2e

package e2e

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/dispatch/auth"
	"github.com/transferguard/transferguard/dispatch/feed"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/service"
	"github.com/transferguard/transferguard/dispatch/store"
	"github.com/transferguard/transferguard/dispatch/web"
)

type nopPub struct{}

func (nopPub) Dispatch(context.Context, string, string, envelope.Dispatch) error { return nil }

// inProcess is the console served in this process, so a test can say on
// the feed exactly what the escalation ladder would (a renotified medium
// incident) without waiting for the ladder's minutes.
type inProcess struct {
	URL string
	Hub *feed.Hub
	Svc *service.Service
	St  *store.Store
}

func startInProcess(t *testing.T) *inProcess {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	hash, _ := auth.HashPassword("guard-password", auth.Params{Memory: 64, Time: 1, Threads: 1})
	if err := st.PutUser(ctx, store.User{Name: "guard1", Hash: hash, Role: "guard", Sites: []string{"S1"}, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	hub := &feed.Hub{}
	svc, err := service.New(service.Options{Store: st, Publisher: nopPub{}, Feed: hub, Ladder: incident.DefaultLadder(), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	w, err := web.New(web.Options{Store: st, Actions: svc, Feed: hub, Ladder: incident.DefaultLadder(), Log: zerolog.Nop(),
		Sites: map[string]web.Site{"S1": {Name: "Main St", Terminals: map[string]string{"T1": "lobby, left ATM"}}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)
	return &inProcess{URL: srv.URL, Hub: hub, Svc: svc, St: st}
}

// TestPocketNotifications: with the console open in the background, a new
// medium incident and its renotification each raise a system notification
// naming where to run, and make the phone vibrate.
func TestPocketNotifications(t *testing.T) {
	p := startInProcess(t)
	ctx := browser(t)
	stubPocket(t, ctx)
	if err := run(ctx, 5*time.Second, phone); err != nil {
		t.Fatal(err)
	}
	login(t, ctx, p.URL)
	a := envelope.Alert{V: 1, ID: "m-pk", Type: "alert", AlertID: "A-pk", Site: "S1", Terminal: "T1", Kind: "risk", Level: "medium",
		TS: envelope.Time(time.Now()), Reasons: []envelope.Reason{{Rule: "r", Text: "Large transfer to a new payee"}}}
	if err := p.Svc.HandleAlert(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	i, err := p.St.IncidentByAlert(context.Background(), "A-pk")
	if err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, 10*time.Second, chromedp.WaitVisible(chromedp.CSS(`article[data-alert="A-pk"]`))); err != nil {
		t.Fatalf("medium alert never appeared: %v", err)
	}
	p.Hub.Publish(feed.Event{Kind: "incident", ID: i.ID, AlertID: i.AlertID, Site: "S1", Terminal: "T1",
		Action: incident.ActionRenotified, Level: incident.LevelMedium, State: incident.StateNew})
	var notes string
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		notes, err = value(ctx, 5*time.Second, chromedp.Evaluate[string](`JSON.stringify({n: window.__notes, v: window.__vibes.length})`))
		if err == nil && strings.Contains(notes, "仍无人接警") && strings.Contains(notes, `"v":2`) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, want := range []string{`"title":"新警情：中 · lobby, left ATM · 刚刚"`, `"title":"仍无人接警：中 · lobby, left ATM · 刚刚"`,
		`"tag":"` + i.ID + `","renotify":true`, `"v":2`} {
		if !strings.Contains(notes, want) {
			t.Errorf("notifications and vibrations %s lack %s", notes, want)
		}
	}
}
