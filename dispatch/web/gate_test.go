package web

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/dispatch/store"
)

// floodRig is the real console behind httptest, each request coming from
// the address in its X-Test-Addr header (the limiter keys on addresses; a
// flood from one would be throttled before it reached the hashing).
type floodRig struct {
	s    *Server
	url  string
	csrf string // a pre-login token, valid as both cookie and form field
}

func newFloodRig(t *testing.T) *floodRig {
	t.Helper()
	st, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	s, err := New(Options{Store: st, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.RemoteAddr = r.Header.Get("X-Test-Addr") + ":1234"
		s.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	res, err := http.Get(srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(body)
	if m == nil {
		t.Fatal("login form has no csrf field")
	}
	return &floodRig{s: s, url: srv.URL, csrf: string(m[1])}
}

// badLogin posts a wrong password for an unknown name from address n and
// returns the status and Retry-After.
func (f *floodRig) badLogin(n int) (int, string, error) { return f.badLoginFrom(n, n) }

// badLoginFrom posts a wrong password for name n from address addr.
func (f *floodRig) badLoginFrom(n, addr int) (int, string, error) {
	form := url.Values{"csrf": {f.csrf}, "name": {fmt.Sprintf("nobody%d", n)}, "password": {"wrong"}}
	req, _ := http.NewRequest(http.MethodPost, f.url+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", loginCookie+"="+f.csrf)
	req.Header.Set("X-Test-Addr", fmt.Sprintf("10.1.%d.%d", addr>>8&255, addr&255))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Retry-After"), nil
}

// 128 parallel wrong logins: the gate's slots are held by the test while
// they arrive, so exactly the queue's worth wait and every other login is
// refused with 503 + Retry-After at once; then the slots are freed and the
// queued ones are checked, never more at once than the gate allows.
func TestLoginFloodIsRefusedNotQueued(t *testing.T) {
	f := newFloodRig(t)
	g := f.s.gate
	for range g.size() {
		g.enter(context.Background())
	}
	const n = 128
	queued := cap(g.waiting)
	type answer struct {
		status     int
		retryAfter string
	}
	answers := make(chan answer, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, ra, err := f.badLogin(i)
			if err != nil {
				t.Error(err)
			}
			answers <- answer{st, ra}
		}()
	}
	counts := map[int]int{}
	for range n - queued { // the refusals come back while the slots are held
		a := <-answers
		counts[a.status]++
		if a.status == http.StatusServiceUnavailable && a.retryAfter == "" {
			t.Error("503 without Retry-After")
		}
	}
	for range g.size() {
		g.leave()
	}
	wg.Wait()
	close(answers)
	for a := range answers {
		counts[a.status]++
	}
	if counts[http.StatusServiceUnavailable] != n-queued || counts[http.StatusUnauthorized] != queued {
		t.Fatalf("answers %v, want %d × 503 and %d × 401", counts, n-queued, queued)
	}
	if got := f.s.hashing.highest(); got < 1 || got > g.size() {
		t.Fatalf("peak concurrent password checks %d, want 1..%d (runtime.NumCPU)", got, g.size())
	}
}

// floodChild marks the child process of TestLoginFloodMemory.
const floodChild = "TG_LOGIN_FLOOD_CHILD"

// TestLoginFloodMemory runs a sustained flood of wrong logins (128
// parallel clients, 4 each, argon2id at the real 19 MiB) in a fresh child
// process and reads its VmHWM, the kernel's record of its peak resident
// memory: the number the attack campaign measured (4.36 GB unbounded).
// A fresh process, because VmHWM never goes down: in this test binary
// other tests could have raised it already. Go's MemStats would miss
// memory the runtime took and gave back between samples. The ceiling,
// 300 MB, is far from both sides: bounded, the child peaks near 100 MB;
// unbounded, 128 hashes alone need 2.4 GB. Under -race the ceiling is
// 1,200 MB: shadow memory quadruples the bounded peak, and it is still half
// of what the unbounded hashes alone would take.
func TestLoginFloodMemory(t *testing.T) {
	if os.Getenv(floodChild) == "1" {
		floodAndReport(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoginFloodMemory$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), floodChild+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`VmHWM before (\d+) kB after (\d+) kB, hashed (\d+), refused (\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("child reported no VmHWM:\n%s", out)
	}
	before, _ := strconv.Atoi(string(m[1]))
	after, _ := strconv.Atoi(string(m[2]))
	hashed, _ := strconv.Atoi(string(m[3]))
	t.Logf("peak RSS %d MB (at start %d MB) after %s wrong logins checked and %s refused", after/1024, before/1024, m[3], m[4])
	if hashed < 8 {
		t.Fatalf("only %d logins were checked: the flood did not exercise the hashing", hashed)
	}
	ceiling := 300
	if raceDetector {
		ceiling = 1200 // still half of what 128 unbounded hashes need without -race
	}
	if after > ceiling*1024 {
		t.Fatalf("peak RSS %d MB during a login flood, want ≤ %d MB", after/1024, ceiling)
	}
}

// floodAndReport is the child's flood; it prints VmHWM before and after.
func floodAndReport(t *testing.T) {
	f := newFloodRig(t)
	before := vmHWM(t)
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	for c := range 128 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 4 {
				st, _, err := f.badLogin(c*4 + k)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				counts[st]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Printf("VmHWM before %d kB after %d kB, hashed %d, refused %d\n", before, vmHWM(t),
		counts[http.StatusUnauthorized], counts[http.StatusServiceUnavailable])
}

// vmHWM reads the process's peak resident set size in kB.
func vmHWM(t *testing.T) int {
	fh, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatalf("VmHWM needs Linux /proc: %v", err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err != nil {
				t.Fatalf("VmHWM %q: %v", v, err)
			}
			return kb
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}
