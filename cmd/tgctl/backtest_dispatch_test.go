package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/backtest"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/dispatch/auth"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/seed"
	"github.com/transferguard/transferguard/dispatch/service"
	"github.com/transferguard/transferguard/dispatch/store"
	"github.com/transferguard/transferguard/dispatch/web"
)

type nopDispatch struct{}

func (nopDispatch) Dispatch(context.Context, string, string, envelope.Dispatch) error { return nil }

// backtest --dispatch logs in to a real console over a seeded week and
// reports the missed incidents with their outcomes.
func TestBacktestFromDispatch(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := seed.Month(ctx, st, seed.Options{Seed: 2, Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Days: 7,
		Sessions: 500, Sites: []string{"S1"}}, false); err != nil {
		t.Fatal(err)
	}
	u := store.User{Name: "sup", Role: auth.RoleSupervisor}
	u.Hash, _ = auth.HashPassword("sup-password", auth.Params{Memory: 64, Time: 1, Threads: 1})
	if err := st.PutUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	svc, err := service.New(service.Options{Store: st, Publisher: nopDispatch{}, Ladder: incident.DefaultLadder(), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	console, err := web.New(web.Options{Store: st, Actions: svc, Ladder: incident.DefaultLadder(), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(console)
	defer srv.Close()
	doc := filepath.Join(t.TempDir(), "off.json")
	writeFile(t, doc, `{"version":5,"issued":"2026-12-01T00:00:00Z","scope":"fleet","rules":{"phone-call-during-transfer":{"enabled":false}}}`)
	t.Setenv(dispatchPasswordEnv, "sup-password")
	out, e, code := tgctl(t, "backtest", "--config", doc, "--dispatch", srv.URL, "--dispatch-user", "sup",
		"--from", "2026-11-01", "--to", "2026-11-07", "--json")
	if code != 0 {
		t.Fatalf("backtest --dispatch: %d %s", code, e)
	}
	var rep backtest.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Sessions < 100 || len(rep.Missed) == 0 {
		t.Fatalf("%d sessions, %d missed", rep.Sessions, len(rep.Missed))
	}
	for _, m := range rep.Missed {
		if m.Outcome != incident.OutcomeFraudStopped && m.Outcome != "" {
			t.Errorf("missed phone call %s has outcome %q, want fraud_stopped (or open)", m.AlertID, m.Outcome)
		}
	}
	t.Setenv(dispatchPasswordEnv, "wrong")
	if _, e, code := tgctl(t, "backtest", "--config", doc, "--dispatch", srv.URL, "--dispatch-user", "sup", "--from", "2026-11-01"); code != 1 || !strings.Contains(e, "log in") {
		t.Errorf("wrong password: %d %q", code, e)
	}
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}
