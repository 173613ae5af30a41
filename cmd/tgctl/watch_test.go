package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/transferguard/transferguard/internal/mosquittotest"
	"github.com/transferguard/transferguard/internal/syncbuf"
)

// waitFor waits until the buffer holds want.
func waitFor(t *testing.T, b *syncbuf.Buffer, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(b.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("output lacks %q; got:\n%s", want, b.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// client connects a test client to the broker.
func client(t *testing.T, url, id string) mqtt.Client {
	t.Helper()
	c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID(id))
	if tok := c.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("connect %s: %v", id, tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(100) })
	return c
}

func publish(t *testing.T, c mqtt.Client, topic string, retained bool, payload string) {
	t.Helper()
	if tok := c.Publish(topic, 1, retained, payload); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("publish %s: %v", topic, tok.Error())
	}
}

const (
	testStatus = `{"state":"online","ts":"2026-11-26T10:00:00Z","boot":"b1","agent":"1.0","link":"up","ui":"off"}`
	testAlert  = `{"v":1,"id":"m1","type":"alert","alert_id":"a1","ts":"2026-11-26T10:00:01.123Z","site":"S1","terminal":"T1",` +
		`"kind":"risk","level":"high","score":85,"reasons":[{"rule":"phone-call-during-transfer","text":"…"},{"rule":"payee-listed","text":"…"}],` +
		`"channel":"ATM","customer":{"age":67,"card":"622202******3445"},` +
		`"txn":{"fn":"TRANSFER","amount_minor":5000000,"currency":"CNY","payee":"6217000012340123","payee_listed":true,"payee_new":true},` +
		`"held":true,"state":"open"}`
	testSession = `{"v":1,"id":"m2","type":"session","ts":"2026-11-26T10:02:00Z","site":"S1","terminal":"T1","session":"s1",` +
		`"channel":"ATM","lang":"zh","started":"2026-11-26T10:00:00Z","ended":"2026-11-26T10:02:00Z","end_reason":"end",` +
		`"state":"cancelled","alert_id":"a1","level":"high","score":85,"rules":["payee-listed"],` +
		`"screens":[{"name":"transfer_warning","shown":"2026-11-26T10:00:00Z","duration_ms":12500,"ack":"key"}]}`
)

// TestWatchFollowsFleet runs watch against a real broker: it prints the
// retained status, then alerts and session records as they come, keeps
// going across a broker restart, and stops cleanly when interrupted.
func TestWatchFollowsFleet(t *testing.T) {
	broker := mosquittotest.Start(t)
	agent := client(t, broker.URL(), "agent-T1")
	publish(t, agent, "tg/v1/S1/T1/status", true, testStatus)

	ctx, cancel := context.WithCancel(context.Background())
	saved := interrupted
	interrupted = func() (context.Context, context.CancelFunc) { return ctx, cancel }
	defer func() { cancel(); interrupted = saved }()
	var out, errOut syncbuf.Buffer
	done := make(chan int)
	go func() { done <- run([]string{"watch", "--broker", broker.URL(), "--timeout", "5s"}, &out, &errOut) }()

	waitFor(t, &out, "2026-11-26T10:00:00.000Z S1/T1 status ONLINE link=up ui=off agent=1.0 boot=b1")
	publish(t, agent, "tg/v1/S1/T1/alert", false, testAlert)
	publish(t, agent, "tg/v1/S1/T1/session", false, testSession)
	waitFor(t, &out, "2026-11-26T10:00:01.123Z S1/T1 alert risk high score=85 rules=phone-call-during-transfer,payee-listed "+
		"age=67 card=622202******3445 TRANSFER 50000.00 CNY payee=621700******0123 LISTED HELD state=open alert=a1")
	waitFor(t, &out, "2026-11-26T10:02:00.000Z S1/T1 session ATM high score=85 rules=payee-listed state=cancelled end=end "+
		"screens=transfer_warning(12.5s,key) alert=a1")
	if strings.Contains(out.String(), "6217000012340123") {
		t.Fatal("watch printed a whole account number")
	}

	broker.Restart() // an outage: watch must reconnect and subscribe again
	waitFor(t, &errOut, "connection lost")
	publisher := client(t, broker.URL(), "agent-T2")
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(out.String(), "S1/T2 status OFFLINE") && time.Now().Before(deadline) {
		publish(t, publisher, "tg/v1/S1/T2/status", true, strings.Replace(testStatus, "online", "offline", 1))
		time.Sleep(200 * time.Millisecond)
	}
	waitFor(t, &out, "S1/T2 status OFFLINE")

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("watch exit code %d: %s", code, errOut.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("watch did not stop when interrupted")
	}
}

func TestWatchJSON(t *testing.T) {
	broker := mosquittotest.Start(t)
	publish(t, client(t, broker.URL(), "agent-T1"), "tg/v1/S1/T1/status", true, testStatus)
	out, e, code := tgctl(t, "watch", "--broker", broker.URL(), "--site", "S1", "--json", "--count", "1")
	if code != 0 {
		t.Fatalf("watch --json: %d %s", code, e)
	}
	var got struct {
		Topic   string          `json:"topic"`
		Payload json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || got.Topic != "tg/v1/S1/T1/status" || string(got.Payload) != testStatus {
		t.Fatalf("watch --json: got %q (%v)", out, err)
	}
}

// TestDispatch sends a dispatch as a guard console would: signed with
// --signing-key, it passes the terminal's own check, and it is not retained.
func TestDispatch(t *testing.T) {
	broker := mosquittotest.Start(t)
	prefix := keys(t)
	terminal := client(t, broker.URL(), "agent-T1")
	got := make(chan mqtt.Message, 2)
	terminal.Subscribe("tg/v1/S1/T1/dispatch", 1, func(_ mqtt.Client, m mqtt.Message) { got <- m }).WaitTimeout(5 * time.Second)
	out, e, code := tgctl(t, "dispatch", "--broker", broker.URL(), "--site", "S1", "--terminal", "T1",
		"--alert", "a1", "--state", "claimed", "--guard", "Wang", "--guard-name", "王师傅", "--eta", "120", "--signing-key", prefix+".key")
	if code != 0 || !strings.Contains(out, "sent claimed for alert a1 to tg/v1/S1/T1/dispatch") {
		t.Fatalf("dispatch: %d %q %q", code, out, e)
	}
	select {
	case m := <-got:
		d, err := verifierFor(t, prefix+".pub").Verify(m.Payload())
		if err != nil || d.AlertID != "a1" || d.State != "claimed" || d.Guard != "Wang" || d.GuardName != "王师傅" || d.ETAS != 120 || m.Retained() {
			t.Fatalf("terminal got %s (%v, retained=%v)", m.Payload(), err, m.Retained())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("terminal got no dispatch")
	}
	late := client(t, broker.URL(), "late")
	late.Subscribe("tg/v1/S1/T1/dispatch", 1, func(_ mqtt.Client, m mqtt.Message) { got <- m }).WaitTimeout(5 * time.Second)
	select {
	case m := <-got:
		t.Fatalf("dispatch was retained: %s", m.Payload())
	case <-time.After(300 * time.Millisecond):
	}
}

func TestDispatchUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--site", "S1", "--terminal", "T1", "--alert", "a1", "--state", "gone"},
		{"--site", "S1", "--terminal", "T1", "--state", "claimed"},
		{"--site", "S/1", "--terminal", "T1", "--alert", "a1", "--state", "claimed"},
		{"--site", "S1", "--terminal", "T1", "--alert", "a1", "--state", "claimed", "--eta", "-1"},
		{"--site", "S1", "--terminal", "T1", "--alert", "a1", "--state", "resolved"}, // unsigned: no --signing-key
	} {
		if _, e, code := tgctl(t, append([]string{"dispatch", "--broker", "tcp://127.0.0.1:1"}, args...)...); code != 2 {
			t.Errorf("dispatch %v: exit %d (%s), want 2", args, code, e)
		}
	}
}

func TestDescribeUnreadable(t *testing.T) {
	line := describeMessage("tg/v1/S1/T1/alert", []byte("not json"))
	if !strings.Contains(line, "S1/T1 alert: unreadable payload (8 bytes)") {
		t.Fatalf("got %q", line)
	}
	if got := money(-12345, ""); got != "-123.45 CNY" {
		t.Fatalf("money: got %q", got)
	}
}
