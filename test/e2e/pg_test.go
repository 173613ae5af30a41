//go:build pg

package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/dispatch/feed"
	"github.com/transferguard/transferguard/dispatch/pgtest"
	"github.com/transferguard/transferguard/internal/mosquittotest"
)

var pg *pgtest.Server

func TestMain(m *testing.M) { pgtest.Main(m, &pg) }

// session is a logged-in HTTP client of one instance.
type session struct {
	base string
	c    *http.Client
	csrf string
}

var csrfRe = regexp.MustCompile(`(?:name="csrf" value|data-csrf)="([^"]+)"`)

// httpLogin logs guard1 in to an instance.
func httpLogin(t testing.TB, base string) *session {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	get := func(u string) string {
		res, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	m := csrfRe.FindStringSubmatch(get(base + "/login"))
	if m == nil {
		t.Fatal("login form without csrf")
	}
	res, err := c.PostForm(base+"/login", url.Values{"csrf": {m[1]}, "name": {"guard1"}, "password": {"guard-password"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if m = csrfRe.FindStringSubmatch(get(base + "/")); m == nil {
		t.Fatal("guard page without csrf: login failed")
	}
	return &session{base: base, c: c, csrf: m[1]}
}

// stream opens the console's event stream and delivers its events with the
// time each arrived.
func (s *session) stream(t testing.TB) <-chan timed {
	t.Helper()
	res, err := s.c.Get(s.base + "/events")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("events: %v", err)
	}
	t.Cleanup(func() { res.Body.Close() })
	ch := make(chan timed, 1024)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var e feed.Event
				if json.Unmarshal([]byte(data), &e) == nil {
					ch <- timed{e, time.Now()}
				}
			}
		}
	}()
	return ch
}

type timed struct {
	feed.Event
	at time.Time
}

// await returns the first event of the stream that ok accepts.
func await(t testing.TB, ch <-chan timed, d time.Duration, ok func(feed.Event) bool) timed {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case e := <-ch:
			if ok(e.Event) {
				return e
			}
		case <-deadline:
			t.Fatalf("no matching event within %s", d)
		}
	}
}

// TestClaimReachesTheOtherInstance: two tgdispatch on one PostgreSQL; a
// claim made on instance A appears at once in a console connected to B
// (LISTEN/NOTIFY: the event names the step, which B's one-second poll of
// the store, saying only "changed", could not).
func TestClaimReachesTheOtherInstance(t *testing.T) {
	broker := mosquittotest.Start(t)
	dsn := pg.Database(t)
	a, b := startDispatch(t, broker.URL(), dsn), startDispatch(t, broker.URL(), dsn)
	sa, sb := httpLogin(t, a.URL), httpLogin(t, b.URL)
	eventsB := sb.stream(t)
	agent := agentClient(t, broker.URL(), "agent-pg")
	dispatches := subscribeDispatch(t, agent, "S1", "T1")
	agent.Publish("tg/v1/S1/T1/alert", 1, false, alertJSON("m-pg", "A-pg", "S1", "T1", "high")).WaitTimeout(5 * time.Second)
	raised := await(t, eventsB, 10*time.Second, func(e feed.Event) bool { return e.AlertID == "A-pg" })
	form := url.Values{"eta_s": {"180"}}
	req, _ := http.NewRequest("POST", sa.base+"/incidents/"+raised.ID+"/claim", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", sa.csrf)
	start := time.Now()
	res, err := sa.c.Do(req)
	if err != nil || res.StatusCode != 204 {
		t.Fatalf("claim on A: %v %v", res, err)
	}
	res.Body.Close()
	got := await(t, eventsB, 5*time.Second, func(e feed.Event) bool { return e.ID == raised.ID && e.Action == "claimed" })
	if got.State != "claimed" {
		t.Errorf("B's console got %+v", got.Event)
	}
	t.Logf("claim on A → event in B's console: %s", got.at.Sub(start))
	select {
	case dm := <-dispatches:
		if dm.ETAS != 180 || dm.GuardName != "王师傅" {
			t.Errorf("dispatch from A %+v, want eta_s 180 and guard_name 王师傅", dm)
		}
	case <-time.After(10 * time.Second):
		t.Error("the agent received no dispatch from A")
	}
}

// BenchmarkCrossInstance measures alert published → event in a console
// connected to the other instance (the one that did not handle the alert,
// so the event came through LISTEN/NOTIFY), two tgdispatch on one
// PostgreSQL, through mosquitto and SSE.
//
//	go test -tags pg -run '^$' -bench CrossInstance -benchtime 300x ./test/e2e/
func BenchmarkCrossInstance(b *testing.B) {
	broker := mosquittotest.Start(b)
	dsn := pg.Database(b)
	x := startDispatchGroup(b, broker.URL(), dsn, "pg-bench")
	y := startDispatchGroup(b, broker.URL(), dsn, "pg-bench")
	ex, ey := httpLogin(b, x.URL).stream(b), httpLogin(b, y.URL).stream(b)
	agent := agentClient(b, broker.URL(), "agent-bench")
	var lat []float64
	b.ResetTimer()
	for n := range b.N {
		id := fmt.Sprintf("A-b%d", n)
		start := time.Now()
		agent.Publish("tg/v1/S1/T1/alert", 1, false, alertJSON("m-"+id, id, "S1", "T1", "medium")).WaitTimeout(5 * time.Second)
		is := func(e feed.Event) bool { return e.AlertID == id && e.Action == "raised" }
		first, second := await(b, ex, 10*time.Second, is), await(b, ey, 10*time.Second, is)
		later := first.at
		if second.at.After(later) {
			later = second.at
		}
		lat = append(lat, float64(later.Sub(start).Microseconds())/1000)
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(lat[len(lat)/2], "p50-ms")
	b.ReportMetric(lat[len(lat)*99/100], "p99-ms")
}
