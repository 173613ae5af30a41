package store

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/dispatch/incident"
)

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// opener gives each test a fresh, migrated store.
type opener func(t *testing.T) *Store

func openSQLite(t *testing.T) *Store {
	s, err := Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestSQLite(t *testing.T) { runSuite(t, openSQLite) }

// runSuite is the conformance suite every database must pass.
func runSuite(t *testing.T, open opener) {
	tests := map[string]func(*testing.T, *Store){
		"dedup":               testDedup,
		"incident roundtrip":  testRoundtrip,
		"one per alert":       testOnePerAlert,
		"optimistic update":   testConflict,
		"open and due":        testOpenDue,
		"between and steps":   testBetween,
		"terminals":           testTerminals,
		"sightings":           testSightings,
		"users and sessions":  testUsers,
		"migrate twice":       func(t *testing.T, s *Store) { testMigrateTwice(t, s) },
		"concurrent dedup":    testConcurrentDedup,
		"notification outbox": testNotifications,
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) { fn(t, open(t)) })
	}
}

func mkIncident(id, alertID, site, level string, created time.Time) incident.Incident {
	age := 70
	i, _ := incident.FromAlert(id, envelope.Alert{ID: "m-" + id, Type: "alert", AlertID: alertID, Site: site, Terminal: "T1",
		Kind: "risk", Level: wire.Level(level), Score: 90, Held: true, TS: envelope.Time(created),
		Reasons:  []envelope.Reason{{Rule: "r1", Text: "Reason «一»"}},
		Customer: &envelope.Customer{Age: &age, Card: "622202******3445", CardKey: "ck"},
		Txn:      &envelope.Txn{AmountMinor: 1234500, Currency: "CNY", Payee: "621700******0123"}}, created)
	return i
}

func testDedup(t *testing.T, s *Store) {
	ctx := context.Background()
	for n, want := range []bool{true, false} {
		fresh, err := s.MarkSeen(ctx, "m1", t0)
		if err != nil || fresh != want {
			t.Fatalf("mark %d: got %v %v, want %v", n, fresh, err, want)
		}
	}
	_, _ = s.MarkSeen(ctx, "m2", t0.Add(time.Hour))
	if n, err := s.PurgeMessages(ctx, t0.Add(time.Minute)); n != 1 || err != nil {
		t.Fatalf("purge: %d %v, want 1", n, err)
	}
	if fresh, _ := s.MarkSeen(ctx, "m1", t0); !fresh {
		t.Fatal("purged id still known")
	}
	if fresh, _ := s.MarkSeen(ctx, "m2", t0); fresh {
		t.Fatal("recent id forgotten")
	}
}

func testRoundtrip(t *testing.T, s *Store) {
	ctx := context.Background()
	i := mkIncident("I1", "A1", "S1", "high", t0)
	_, _ = i.Claim("g1", 90, t0.Add(time.Minute))
	i.Due = t0.Add(5 * time.Minute)
	step := incident.Step{IncidentID: "I1", At: t0, Actor: "system", Action: "raised", Detail: "d"}
	if ok, err := s.CreateIncident(ctx, &i, step); !ok || err != nil {
		t.Fatalf("create: %v %v", ok, err)
	}
	got, err := s.Incident(ctx, "I1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Reasons[0].Text != "Reason «一»" || got.Age != 70 || !got.Held || got.ClaimedBy != "g1" || got.ETAS != 90 ||
		!got.ClaimedAt.Equal(t0.Add(time.Minute)) || !got.Due.Equal(i.Due) || got.AmountMinor != 1234500 || got.Version != 1 ||
		!got.ArrivedAt.IsZero() || !got.LastAlert.Equal(t0) {
		t.Fatalf("roundtrip: got %+v", got)
	}
	byAlert, err := s.IncidentByAlert(ctx, "A1")
	if err != nil || byAlert.ID != "I1" {
		t.Fatalf("by alert: %v %v", byAlert.ID, err)
	}
	if _, err := s.Incident(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing: got %v, want ErrNotFound", err)
	}
	steps, err := s.Steps(ctx, "I1")
	if err != nil || len(steps) != 1 || steps[0].ID == "" || !steps[0].At.Equal(t0) {
		t.Fatalf("steps: %+v %v", steps, err)
	}
}

func testOnePerAlert(t *testing.T, s *Store) {
	ctx := context.Background()
	a, b := mkIncident("I1", "A1", "S1", "high", t0), mkIncident("I2", "A1", "S1", "high", t0)
	if ok, err := s.CreateIncident(ctx, &a); !ok || err != nil {
		t.Fatalf("first: %v %v", ok, err)
	}
	if ok, err := s.CreateIncident(ctx, &b, incident.Step{IncidentID: "I2", At: t0, Actor: "x", Action: "raised"}); ok || err != nil {
		t.Fatalf("second: got %v %v, want false nil", ok, err)
	}
	if steps, _ := s.Steps(ctx, "I2"); len(steps) != 0 {
		t.Fatalf("loser wrote %d steps", len(steps))
	}
}

func testConflict(t *testing.T, s *Store) {
	ctx := context.Background()
	i := mkIncident("I1", "A1", "S1", "high", t0)
	_, _ = s.CreateIncident(ctx, &i)
	x, _ := s.Incident(ctx, "I1")
	y, _ := s.Incident(ctx, "I1")
	sx, _ := x.Claim("g1", 0, t0)
	if err := s.UpdateIncident(ctx, &x, sx); err != nil {
		t.Fatal(err)
	}
	sy, _ := y.Claim("g2", 0, t0)
	if err := s.UpdateIncident(ctx, &y, sy); !errors.Is(err, ErrConflict) {
		t.Fatalf("second claim: got %v, want ErrConflict", err)
	}
	got, _ := s.Incident(ctx, "I1")
	if got.ClaimedBy != "g1" || got.Version != 2 || x.Version != 2 {
		t.Fatalf("got claimed by %s version %d", got.ClaimedBy, got.Version)
	}
}

func testOpenDue(t *testing.T, s *Store) {
	ctx := context.Background()
	for n, c := range []struct{ id, site, level string }{{"I1", "S1", "medium"}, {"I2", "S1", "high"}, {"I3", "S2", "high"}, {"I4", "S1", "medium"}} {
		i := mkIncident(c.id, "A"+c.id, c.site, c.level, t0.Add(time.Duration(n)*time.Minute))
		i.Due = t0.Add(time.Duration(n) * time.Minute)
		_, _ = s.CreateIncident(ctx, &i)
	}
	done, _ := s.Incident(ctx, "I4")
	_, _ = done.Resolve("g", incident.OutcomeFalseAlarm, "", t0)
	if err := s.UpdateIncident(ctx, &done); err != nil {
		t.Fatal(err)
	}
	ids := func(list []incident.Incident) (out []string) {
		for _, i := range list {
			out = append(out, i.ID)
		}
		return out
	}
	open, err := s.OpenIncidents(ctx, []string{"S1"})
	if got := ids(open); err != nil || len(got) != 2 || got[0] != "I2" || got[1] != "I1" {
		t.Fatalf("open S1: got %v %v, want [I2 I1]", got, err)
	}
	all, _ := s.OpenIncidents(ctx, nil)
	if got := ids(all); len(got) != 3 || got[0] != "I3" {
		t.Fatalf("open all: got %v, want I3 first", got)
	}
	if none, _ := s.OpenIncidents(ctx, []string{}); len(none) != 0 {
		t.Fatalf("no sites saw %d", len(none))
	}
	due, _ := s.DueIncidents(ctx, t0.Add(90*time.Second))
	if got := ids(due); len(got) != 2 || got[0] != "I1" || got[1] != "I2" {
		t.Fatalf("due: got %v, want [I1 I2]", got)
	}
}

func testBetween(t *testing.T, s *Store) {
	ctx := context.Background()
	for n := 0; n < 3; n++ {
		i := mkIncident(string(rune('a'+n)), string(rune('A'+n)), "S1", "high", t0.Add(time.Duration(n)*time.Hour))
		_, _ = s.CreateIncident(ctx, &i, incident.Step{IncidentID: i.ID, At: i.Created, Actor: "system", Action: "raised"})
	}
	list, err := s.IncidentsBetween(ctx, t0, t0.Add(2*time.Hour), []string{"S1"})
	if err != nil || len(list) != 2 || list[0].ID != "a" {
		t.Fatalf("between: %d %v", len(list), err)
	}
	steps, err := s.StepsOf(ctx, t0, t0.Add(2*time.Hour), nil)
	if err != nil || len(steps) != 2 || steps[1].IncidentID != "b" {
		t.Fatalf("steps of: %+v %v", steps, err)
	}
	upd, err := s.UpdatedSince(ctx, t0.Add(30*time.Minute), 10)
	if err != nil || len(upd) != 2 || upd[0].ID != "b" {
		t.Fatalf("updated since: %d %v", len(upd), err)
	}
}

func testTerminals(t *testing.T, s *Store) {
	ctx := context.Background()
	if _, err := s.Terminal(ctx, "S1", "T1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown terminal: %v", err)
	}
	if err := s.PutTerminalConfig(ctx, "S1", "T1", "fleet v3", t0); err != nil {
		t.Fatal(err)
	}
	if err := s.PutTerminal(ctx, Terminal{Site: "S1", Terminal: "T1", State: "online", Boot: "b1", Link: "up", UI: "up", StatusTS: t0, Seen: t0}); err != nil {
		t.Fatal(err)
	}
	_ = s.PutTerminal(ctx, Terminal{Site: "S2", Terminal: "T9", State: "offline", Seen: t0})
	got, err := s.Terminal(ctx, "S1", "T1")
	if err != nil || got.State != "online" || got.Config != "fleet v3" || !got.StatusTS.Equal(t0) {
		t.Fatalf("terminal: %+v %v", got, err)
	}
	list, _ := s.Terminals(ctx, []string{"S2"})
	if len(list) != 1 || list[0].Terminal != "T9" {
		t.Fatalf("terminals S2: %+v", list)
	}
}

func testSightings(t *testing.T, s *Store) {
	ctx := context.Background()
	_ = s.AddSighting(ctx, incident.Sighting{Key: "k1", IncidentID: "I1", Site: "S1", Terminal: "T1", Held: true, At: t0})
	_ = s.AddSighting(ctx, incident.Sighting{Key: "k2", IncidentID: "I2", Site: "S1", Terminal: "T2", At: t0.Add(time.Minute)})
	_ = s.AddSighting(ctx, incident.Sighting{Key: "k1", IncidentID: "I0", Site: "S1", Terminal: "T3", At: t0.Add(-time.Hour)})
	got, err := s.Sightings(ctx, []string{"k1", "k2"}, t0.Add(-time.Minute))
	if err != nil || len(got) != 2 || got[0].IncidentID != "I2" || !got[1].Held {
		t.Fatalf("sightings: %+v %v", got, err)
	}
	rec := envelope.SessionRecord{ID: "s1", Site: "S1", Terminal: "T1", Session: "x", AlertID: "A1", TS: envelope.Time(t0)}
	for range 2 {
		if err := s.PutSessionRecord(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := s.SessionRecords(ctx, "A1")
	if err != nil || len(recs) != 1 || recs[0].Session != "x" {
		t.Fatalf("session records: %+v %v", recs, err)
	}
}

func testUsers(t *testing.T, s *Store) {
	ctx := context.Background()
	u := User{Name: "g1", Hash: "h", Role: "guard", Sites: []string{"S1", "S2"}, Created: t0}
	if ok, err := s.AddUser(ctx, u); !ok || err != nil {
		t.Fatalf("add: %v %v", ok, err)
	}
	u.Hash = "other"
	if ok, _ := s.AddUser(ctx, u); ok {
		t.Fatal("second add replaced the user")
	}
	got, err := s.User(ctx, "g1")
	if err != nil || got.Hash != "h" || len(got.Sites) != 2 {
		t.Fatalf("user: %+v %v", got, err)
	}
	_ = s.PutUser(ctx, u)
	if got, _ := s.User(ctx, "g1"); got.Hash != "other" {
		t.Fatal("put did not replace")
	}
	ws := WebSession{TokenHash: "th", User: "g1", CSRF: "c", Expires: t0.Add(time.Hour)}
	if err := s.PutWebSession(ctx, ws); err != nil {
		t.Fatal(err)
	}
	if got, err := s.WebSession(ctx, "th", t0); err != nil || got.User != "g1" {
		t.Fatalf("session: %+v %v", got, err)
	}
	if _, err := s.WebSession(ctx, "th", t0.Add(2*time.Hour)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired session: %v", err)
	}
	_ = s.DeleteWebSession(ctx, "th", t0)
	if _, err := s.WebSession(ctx, "th", t0); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted session: %v", err)
	}
}

func testMigrateTwice(t *testing.T, s *Store) {
	if err := s.migrate(context.Background()); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
}

// testConcurrentDedup marks the same ids from several goroutines: each id
// must be fresh exactly once.
func testConcurrentDedup(t *testing.T, s *Store) {
	ctx := context.Background()
	var mu sync.Mutex
	fresh := map[string]int{}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 50; n++ {
				id := string(rune('a'+n%26)) + string(rune('a'+n/26))
				ok, err := s.MarkSeen(ctx, id, t0)
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mu.Lock()
					fresh[id]++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if len(fresh) != 50 {
		t.Fatalf("got %d fresh ids, want 50", len(fresh))
	}
	for id, n := range fresh {
		if n != 1 {
			t.Fatalf("id %s fresh %d times", id, n)
		}
	}
}

func TestRedact(t *testing.T) {
	if got := redact("postgres://u:secret@h/db"); got != "postgres://u:***@h/db" {
		t.Fatalf("got %s", got)
	}
}

func TestOpenRejectsUnknownScheme(t *testing.T) {
	if _, err := Open(context.Background(), "mysql://x"); err == nil {
		t.Fatal("mysql accepted")
	}
}
