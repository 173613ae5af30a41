//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// alertKey identifies an alert message by what the test knows of it: the
// customer's age (each session below has its own), kind and type.
func alertKey(t *testing.T, m message) string {
	v := decode(t, m)
	cust, _ := v["customer"].(map[string]any)
	return fmt.Sprintf("%v/%v/%v", cust["age"], v["kind"], v["type"])
}

// TestOutageCrashRestart: alerts raised while the broker is down, the agent
// killed with SIGKILL and restarted on the same state dir (more alerts
// while still offline), then the broker back: every alert arrives, the
// queued ones in the order they were raised (CONTRACT §4, at least once).
func TestOutageCrashRestart(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	r.startAgent()
	r.sub.await(10*time.Second, "status online", hasStatus(map[string]string{"state": "online"}))
	firstBoot := bootOf(t, r.sub.all())

	// A: live, phone call during a transfer (age 52).
	r.play(`HELLO proto=1 model=SIM-ATM fw=1.0
START channel=ATM card=6222021234563445 age=52 lang=zh
+200ms SENSOR kind=PHONE_CALL state=ON
+200ms FUNC fn=TRANSFER
+200ms PAYEE acct=6217001234567890123 new=1
+200ms AMOUNT minor=2000000 cur=CNY
expect HOLD reason=risk_high
+200ms END
`)
	r.sub.await(10*time.Second, "live alert", func(m []message) bool { return len(onTopic(m, "alert")) >= 2 })

	r.broker.Stop()
	// B: panic at the counter (age 70); C: elderly large transfer (age 67),
	// left open when the agent dies.
	r.play(`START channel=COUNTER card=6222021234563445 age=70 lang=zh
+200ms PANIC
+200ms END
+200ms START channel=ATM card=6222021234563445 age=67 lang=zh
+200ms FUNC fn=TRANSFER
PAYEE acct=6217001234567890123 name="王五" bank=ABC new=0
AMOUNT minor=600000 cur=CNY
wait 500ms
`)
	r.addPANs("6217001234567890123")
	r.agent.kill()
	r.startAgent() // same state dir, broker still down
	// D: panic after the restart (age 45).
	r.play(`HELLO proto=1 model=SIM-TELLER fw=2.3
START channel=COUNTER card=6222021234563445 age=45 lang=zh
+200ms PANIC
+200ms END
wait 300ms
`)
	subs := r.subscriptions()
	r.broker.Restart()
	r.sub.waitSubs(subs+1, 10*time.Second)

	// C is restored after the restart (CONTRACT §14) and closed by the
	// controller's HELLO, with its update.
	want := []string{"70/panic/alert", "70/panic/alert_update", "67/risk/alert", "67/risk/alert_update", "45/panic/alert", "45/panic/alert_update"}
	msgs := r.sub.await(45*time.Second, "every queued alert", func(m []message) bool {
		seen := map[string]bool{}
		for _, a := range onTopic(m, "alert") {
			seen[alertKey(t, a)] = true
		}
		for _, w := range want {
			if !seen[w] {
				return false
			}
		}
		return true
	})
	// Queued alerts arrive in the order they were raised, de-duplicated on id.
	var order []string
	ids := map[string]int{}
	for _, a := range onTopic(msgs, "alert") {
		ids[decode(t, a)["id"].(string)]++
		k := alertKey(t, a)
		if k != "52/risk/alert" && k != "52/risk/alert_update" && !contains(order, k) {
			order = append(order, k)
		}
	}
	if fmt.Sprint(order[:min(len(want), len(order))]) != fmt.Sprint(want) {
		t.Errorf("queued alerts arrived in order %v, want %v", order, want)
	}
	for id, n := range ids {
		if n > 1 {
			t.Logf("alert id %s delivered %d times (allowed: at least once, consumers de-duplicate)", id, n)
		}
	}
	r.sub.await(10*time.Second, "status online of the new run", func(m []message) bool {
		for _, s := range onTopic(m, "status") {
			var v map[string]any
			if json.Unmarshal(s.Payload, &v) == nil && v["state"] == "online" && v["boot"] != firstBoot {
				return true
			}
		}
		return false
	})
	t.Logf("agent log after restart:\n%s", tail(r.agent.log(), 15))
}

func (r *rig) subscriptions() int {
	r.sub.mu.Lock()
	defer r.sub.mu.Unlock()
	return r.sub.subs
}

func bootOf(t *testing.T, msgs []message) string {
	for _, s := range onTopic(msgs, "status") {
		if b, _ := decode(t, s)["boot"].(string); b != "" {
			return b
		}
	}
	t.Fatal("no status with a boot id")
	return ""
}

func contains(s []string, x string) bool {
	for _, e := range s {
		if e == x {
			return true
		}
	}
	return false
}

func tail(s string, n int) string {
	lines := splitLines(s)
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	out := ""
	for _, l := range lines {
		out += l + "\n"
	}
	return out
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// TestSilentLink: the controller stops talking for 16 s with a session
// open: status link=down (retained) and a tamper alert; when it speaks
// again, link=up.
func TestSilentLink(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	r.startAgent()
	r.sub.await(10*time.Second, "status online", hasStatus(map[string]string{"state": "online", "link": "up"}))
	start := time.Now()
	r.play(`HELLO proto=1 model=SIM-ATM fw=1.0
START channel=ATM card=6222021234563445 age=58 lang=zh
+1s FUNC fn=TRANSFER
silence 16s
`)
	msgs := r.sub.await(time.Second, "status link=down", hasStatus(map[string]string{"state": "online", "link": "down"}))
	var tamper []message
	for _, a := range onTopic(msgs, "alert") {
		if v := decode(t, a); v["kind"] == "tamper" && v["level"] == "high" {
			tamper = append(tamper, a)
		}
	}
	if len(tamper) != 1 {
		t.Fatalf("%d high tamper alerts after 16 s of silence, want 1:\n%s", len(tamper), dump(msgs))
	}
	t.Logf("tamper alert %v after the last frame (link timeout 15 s)", tamper[0].At.Sub(start)-time.Second)
	if m := retained(t, r.broker.URL(), prefix+"status"); decode(t, m)["link"] != "down" {
		t.Errorf("retained status during the silence = %s, want link down", m.Payload)
	}
	r.play("HB up=30\n")
	r.sub.await(5*time.Second, "status link=up again", func(m []message) bool {
		st := onTopic(m, "status")
		var v map[string]any
		return len(st) > 0 && json.Unmarshal(st[len(st)-1].Payload, &v) == nil && v["link"] == "up"
	})
	r.play("+500ms END\n")
}

// TestDeviceReplaced: the pty goes away (USB unplugged) and a new one
// appears at the same path: the same agent process answers again, with no
// restart.
func TestDeviceReplaced(t *testing.T) {
	t.Parallel()
	r := newRig(t, nil)
	r.startAgent()
	pid := r.agent.cmd.Process.Pid
	r.play(`HELLO proto=1 model=SIM-ATM fw=1.0
START channel=ATM card=6222021234563445 age=41 lang=zh
expect SCREEN name=reminder
+200ms END
`)
	r.unplug()
	time.Sleep(time.Second)
	r.plug()
	unplugged := time.Now()
	if err := r.player.WaitAgent(context.Background(), 30*time.Second); err != nil {
		t.Fatalf("agent does not answer on the new device: %v\n%s", err, tail(r.agent.log(), 20))
	}
	t.Logf("agent answered on the new device %v after it appeared", time.Since(unplugged).Round(time.Millisecond))
	if !r.agent.running() || r.agent.cmd.Process.Pid != pid {
		t.Fatal("the agent process did not survive the device change")
	}
	r.play(`HELLO proto=1 model=SIM-ATM fw=1.0
START channel=ATM card=6222021234563445 age=41 lang=zh
expect SCREEN name=reminder
+200ms END
`)
}
