package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/notify"
	"github.com/transferguard/transferguard/dispatch/notify/webhook"
	"github.com/transferguard/transferguard/dispatch/store"
	"github.com/transferguard/transferguard/internal/mosquittotest"
)

// hookReceiver refuses while down and keeps every verified message it
// accepted; refused counts the attempts it turned away.
type hookReceiver struct {
	mu       sync.Mutex
	down     bool
	refused  int
	accepted []notify.Message
	bad      []string
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := webhook.Verify([]byte("kill-secret"), r.Header.Get(webhook.HeaderTimestamp), r.Header.Get(webhook.HeaderSignature),
		body, time.Now(), time.Minute); err != nil {
		h.bad = append(h.bad, err.Error())
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if h.down {
		h.refused++
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	var m notify.Message
	_ = json.Unmarshal(body, &m)
	h.accepted = append(h.accepted, m)
}

func (h *hookReceiver) state() (refused int, accepted []notify.Message, bad []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.refused, append([]notify.Message(nil), h.accepted...), h.bad
}

// buildDispatch compiles this command into the test's temporary directory.
func buildDispatch(t *testing.T) (string, error) {
	bin := filepath.Join(t.TempDir(), "tgdispatch")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v: %s", err, out)
	}
	return bin, nil
}

// TestNotificationSurvivesSIGKILL runs the real binary: an alert's
// "raised" notification fails while the receiver is down, tgdispatch is
// killed with SIGKILL in the middle of its retries, the receiver comes
// back, and a restarted tgdispatch delivers it, once, signed.
func TestNotificationSurvivesSIGKILL(t *testing.T) {
	bin, err := buildDispatch(t)
	if err != nil {
		t.Fatal(err)
	}
	b := mosquittotest.Start(t)
	rcv := &hookReceiver{down: true}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "dispatch.yaml")
	yaml := fmt.Sprintf("console_url: http://127.0.0.1:8080\nchannels:\n  lobby-hook:\n    kind: webhook\n    url: %s/tg\n    secret_env: TG_KILL_SECRET\n"+
		"escalation:\n  renotify: 1h\n  ladder:\n    - name: lobby guards\n      channels: [lobby-hook]\n", srv.URL)
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "d.db")
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "--broker", b.URL(), "--db", "sqlite:"+db, "--listen", "127.0.0.1:0", "--config", cfg,
			"--group", "kill", "--client-id", "tgdispatch-kill")
		cmd.Env = append(os.Environ(), "TG_KILL_SECRET=kill-secret")
		cmd.Stderr = &testLog{t: t}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	first := start()
	publishUntil(t, b.URL(), func() bool { n, _, _ := rcv.state(); return n >= 2 })
	_ = first.Process.Signal(syscall.SIGKILL)
	_ = first.Wait()
	rcv.mu.Lock()
	rcv.down = false
	rcv.mu.Unlock()
	second := start()
	defer func() { _ = second.Process.Signal(syscall.SIGTERM); _ = second.Wait() }()
	waitUntil(t, 30*time.Second, func() bool { _, got, _ := rcv.state(); return len(got) > 0 })
	time.Sleep(500 * time.Millisecond) // a duplicate would arrive now
	_, got, bad := rcv.state()
	if len(got) != 1 || got[0].Event != incident.ActionRaised || got[0].Incident.AlertID != "A1" || len(bad) > 0 {
		t.Fatalf("accepted %+v, bad signatures %v; want one raised for A1", got, bad)
	}
	_ = second.Process.Signal(syscall.SIGTERM)
	_ = second.Wait()
	st, err := store.Open(context.Background(), "sqlite:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	steps, _ := st.Steps(context.Background(), got[0].Incident.ID)
	var actions []string
	for _, s := range steps {
		actions = append(actions, s.Action)
	}
	if strings.Join(actions, ",") != "raised,notified" {
		t.Fatalf("story %v, want raised,notified", actions)
	}
}

// publishUntil publishes the sample alert every 200 ms until done.
func publishUntil(t *testing.T, broker string, done func() bool) {
	t.Helper()
	ag := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(broker).SetClientID("agent-" + t.Name()))
	if tok := ag.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("agent connect: %v", tok.Error())
	}
	defer ag.Disconnect(100)
	payload, err := os.ReadFile("../../dispatch/ingest/testdata/alert.json")
	if err != nil {
		t.Fatal(err)
	}
	topic := wire.TerminalTopic("S1", "T1", wire.TopicAlert)
	waitUntil(t, 30*time.Second, func() bool {
		ag.Publish(topic, 1, false, payload).WaitTimeout(time.Second)
		return done()
	})
}

func waitUntil(t *testing.T, limit time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("timed out")
}

// testLog passes the binary's log lines to t.Log.
type testLog struct {
	t  *testing.T
	mu sync.Mutex
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func TestChannelConfigErrorsNameTheField(t *testing.T) {
	cases := map[string]string{
		"channels:\n  h: {kind: pager, url: https://x}\n":                         "channels.h.kind",
		"channels:\n  h: {kind: webhook, url: https://x}\n":                       "channels.h.secret_env",
		"channels:\n  h: {kind: dingtalk, url: ftp://x}\n":                        "channels.h.url",
		"channels:\n  m: {kind: email, url: smtp://mail, from: a@b, to: [c@d]}\n": "channels.m.url",
		"escalation:\n  ladder:\n    - name: lobby\n      channels: [nope]\n":     `"nope" is not in channels`,
		"console_url: desk\n": "console_url",
		"channels:\n  h: {kind: webhook, url: https://x, secret_env: S, sekret: 1}\n": "sekret",
	}
	for body, want := range cases {
		p := filepath.Join(t.TempDir(), "c.yaml")
		_ = os.WriteFile(p, []byte(body), 0o600)
		if _, err := loadConfig(p); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want an error naming %q", body, err, want)
		}
	}
}

func TestMissingSecretVariableNamesIt(t *testing.T) {
	c := defaultConfig()
	c.Channels = map[string]notify.ChannelConfig{"h": {Kind: notify.KindWebhook, URL: "https://x", SecretEnv: "TG_NOT_SET"}}
	_, err := notifier(nil, c, "o", func(string) string { return "" }, zerolog.Nop())
	if err == nil || !strings.Contains(err.Error(), "TG_NOT_SET") {
		t.Fatalf("got %v, want an error naming $TG_NOT_SET", err)
	}
}
