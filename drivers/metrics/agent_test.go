package metrics

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

// scrape serves a's registry on loopback and returns one /metrics body.
func scrape(t *testing.T, a *Agent) string {
	t.Helper()
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, a.Registry()) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	resp, err := http.Get("http://" + ln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %s\n%s", resp.Status, b)
	}
	return string(b)
}

func TestAgentMetricsShowWhatHappened(t *testing.T) {
	a := NewAgent(Sources{
		OutboxDepth:  func() int { return 3 },
		OutboxOldest: func() time.Duration { return 1500 * time.Millisecond },
		States:       func() (string, string) { return "up", "off" },
		Config: func() envelope.ConfigState {
			return envelope.ConfigState{Config: envelope.ScopeStates{Site: &envelope.DocState{Version: 7}},
				Watchlist: &envelope.ListState{DocState: envelope.DocState{Version: 4}}}
		},
	})
	a.Opened()
	a.Opened()
	a.Received(wire.Hello)
	a.Received(wire.Hello)
	a.Refused(wire.NakCRC)
	a.Sent(3)
	a.Answered(2 * time.Millisecond)
	card := "6222021234567893445"
	a.Stored(envelope.Message{Topic: wire.TopicAlert, Payload: []byte(`{"type":"alert","kind":"panic","level":"high","customer":{"card":"` + card + `"}}`)})
	a.Stored(envelope.Message{Topic: wire.TopicAlert, Payload: []byte(`{"type":"alert_update","kind":"panic","level":"high"}`)})
	a.Stored(envelope.Message{Topic: wire.TopicSession, Payload: []byte(`{"type":"session"}`)})
	body := scrape(t, a)
	for _, want := range []string{
		`tgagent_serial_frames_received_total{type="HELLO"} 2`,
		`tgagent_serial_naks_total{reason="CRC"} 1`,
		`tgagent_serial_frames_sent_total 3`,
		`tgagent_serial_ack_latency_seconds_bucket{le="0.002"} 1`,
		`tgagent_serial_ack_latency_seconds_bucket{le="0.001"} 0`,
		`tgagent_serial_opens_total 2`,
		`tgagent_alerts_total{kind="panic",level="high"} 1`,
		`tgagent_outbox_depth 3`,
		`tgagent_outbox_oldest_age_seconds 1.5`,
		`tgagent_link_up 1`,
		`tgagent_ui_state{state="off"} 1`,
		`tgagent_ui_state{state="up"} 0`,
		`tgagent_config_version{kind="config",scope="site"} 7`,
		`tgagent_config_version{kind="watchlist",scope="fleet"} 4`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(body, want+"\n") && !strings.Contains(body, want+" ") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(body, `scope="fleet"} `) && strings.Contains(body, `kind="config",scope="fleet"`) {
		t.Error("a scope with no applied document has a version series")
	}
	if strings.Contains(body, card) {
		t.Error("a card number reached /metrics")
	}
}

func TestListenRefusesABadAddress(t *testing.T) {
	if _, err := Listen("127.0.0.1:99999"); err == nil {
		t.Fatal("port 99999 accepted")
	}
}
