//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestPrometheusScrapesAgentAndDispatch starts tgagent and tgdispatch with
// --metrics on loopback, a real Prometheus (Debian's "prometheus") that
// scrapes both every second, drives a panic and a bad frame through the
// serial line, and asks Prometheus's HTTP API for the series an operator
// would graph (CONTRACT §11).
func TestPrometheusScrapesAgentAndDispatch(t *testing.T) {
	t.Parallel()
	promBin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Fatal("prometheus not on PATH: install Debian's package \"prometheus\" (scripts/deps.sh)")
	}
	r := newRig(t, nil)
	agentAddr, dispatchAddr := freeAddr(t), freeAddr(t)
	r.extra = []string{"--metrics", agentAddr}
	r.startAgent()
	startDispatch(t, r.broker.URL(), dispatchAddr)
	prom := startPrometheus(t, promBin, agentAddr, dispatchAddr)
	// The agent's retained status reaching tgdispatch shows its subscription is live.
	prom.await(t, `tgdispatch_messages_total{topic="status"} >= 1`, "")

	r.play("HELLO proto=1\nSTART channel=COUNTER age=70 lang=zh\n+100ms PANIC\n+100ms END\n")
	if got := answer(t, r, "$TG1,61,HB,up=2*0000\r\n"); got.Value("reason") != "CRC" {
		t.Fatalf("bad CRC answered %v", got)
	}
	for _, q := range []struct{ query, want string }{
		{`tgagent_alerts_total{kind="panic",level="high"}`, "1"},
		{`tgagent_serial_naks_total{reason="CRC"}`, "1"},
		{`tgagent_serial_frames_received_total{type="PANIC"}`, "1"},
		{`tgagent_serial_opens_total`, "1"},
		{`tgagent_link_up`, "1"},
		{`tgagent_ui_state{state="off"}`, "1"},
		{`tgagent_outbox_depth`, "0"},
		{`histogram_quantile(1, tgagent_serial_ack_latency_seconds_bucket) <= 0.05`, ""},
		{`sum(tgdispatch_incidents_open{kind="panic",level="high",state="new"})`, "1"},
		{`tgdispatch_messages_total{topic="alert"} >= 1`, ""},
		{`tgdispatch_ingest_lag_seconds_count >= 1`, ""},
		{`up{job="tgdispatch"}`, "1"},
	} {
		prom.await(t, q.query, q.want)
	}
}

// freeAddr is a loopback address with a port free right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startDispatch runs tgdispatch on a fresh SQLite store until the test ends.
func startDispatch(t *testing.T, broker, metricsAddr string) {
	t.Helper()
	dir := t.TempDir()
	logf, err := os.Create(filepath.Join(dir, "dispatch.log"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "tgdispatch"), "--broker", broker,
		"--db", "sqlite:"+filepath.Join(dir, "d.db"), "--listen", freeAddr(t), "--metrics", metricsAddr,
		"--group", "metrics"+strconv.Itoa(os.Getpid()))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start tgdispatch: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("tgdispatch log:\n%s", tail(string(b), 3000))
		}
	})
}

type prometheus struct{ url string }

// startPrometheus runs Prometheus scraping both targets every second.
func startPrometheus(t *testing.T, promBin, agentAddr, dispatchAddr string) prometheus {
	t.Helper()
	dir := t.TempDir()
	conf := fmt.Sprintf(`global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: tgagent
    static_configs: [{targets: ["%s"]}]
  - job_name: tgdispatch
    static_configs: [{targets: ["%s"]}]
`, agentAddr, dispatchAddr)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	logf, _ := os.Create(filepath.Join(dir, "prometheus.log"))
	cmd := exec.Command(promBin, "--config.file", filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path", filepath.Join(dir, "data"), "--web.listen-address", addr)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start prometheus: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("prometheus log:\n%s", tail(string(b), 3000))
		}
	})
	return prometheus{url: "http://" + addr}
}

// await polls an instant query until its first sample's value is want
// (any value when want is empty), for at most 30 s.
func (p prometheus) await(t *testing.T, query, want string) {
	t.Helper()
	var last string
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var got string
		got, last = p.query(query)
		if got != "" && (want == "" || got == want) {
			t.Logf("prometheus: %s = %s", query, got)
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("prometheus: %s never became %q; last answer: %s", query, want, last)
}

// query returns the first sample's value ("" when none) and the raw answer.
func (p prometheus) query(q string) (string, string) {
	resp, err := http.Get(p.url + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		return "", err.Error()
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Data   struct {
			Result []struct {
				Value [2]any `json:"value"`
			} `json:"result"`
		} `json:"data"`
		Error string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return "", err.Error()
	}
	raw := fmt.Sprintf("%+v", body)
	if len(body.Data.Result) == 0 {
		return "", raw
	}
	v, _ := body.Data.Result[0].Value[1].(string)
	return v, raw
}
