//go:build integration

package integration

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// transfer is one 4,900 CNY transfer session by the test card, through a
// 1-second cooling-off.
func transfer(payee string) string {
	return fmt.Sprintf(`START channel=ATM card=6222021234563445 age=45 lang=zh
+100ms FUNC fn=TRANSFER
+100ms PAYEE acct=%s name="王五" bank=ABC new=1
+100ms AMOUNT minor=490000 cur=CNY
wait 1200ms
KEY key=ENTER
expect RELEASE reason=cooling_off
+100ms CONFIRM
+100ms DONE result=OK
+100ms END
`, payee)
}

// rulesOf lists the reason rules of the risk alerts published so far.
func rulesOf(t *testing.T, msgs []message) []string {
	var out []string
	for _, m := range onTopic(msgs, "alert") {
		v := decode(t, m)
		if v["type"] != "alert" {
			continue
		}
		reasons, _ := v["reasons"].([]any)
		for _, r := range reasons {
			if rm, ok := r.(map[string]any); ok {
				out = append(out, fmt.Sprint(v["level"], "/", rm["rule"]))
			}
		}
	}
	return out
}

// Three 4,900 CNY transfers by one card against the 5,000 threshold: two
// before the agent is killed, the third after it restarts on the same
// state directory gets a medium alert (CONTRACT §9). Along the way, a
// caller number listed once matches as the phone sensor spells it, and
// neither the card nor the phone number reaches the state directory, the
// logs or MQTT (checked when the rig finishes).
func TestCardHistorySurvivesRestart(t *testing.T) {
	r := newRig(t, map[string]any{
		"timings":   map[string]any{"cooling_off_s": 1},
		"watchlist": map[string]any{"phones": []string{"+86 138-0013-8000"}},
	})
	r.pans = append(r.pans, "13800138000", "6217001234567890123", "6217001234567890124", "6217001234567890125")
	r.startAgent()
	r.play("HELLO proto=1 model=SIM-ATM fw=1.0\n" + transfer("6217001234567890123") + transfer("6217001234567890124"))
	r.play(`START channel=ATM card=6222021234563446 age=45 lang=zh
+100ms SENSOR kind=PHONE_CALL state=ON number=008613800138000
expect HOLD reason=risk_high
+100ms END
`)
	r.sub.await(10*time.Second, "the listed caller's alert", func(m []message) bool {
		return slices.Contains(rulesOf(t, m), "high/phone-listed")
	})
	if got := rulesOf(t, r.sub.all()); len(got) != 1 {
		t.Fatalf("alerts before the restart: %v, want only the listed caller's", got)
	}

	r.agent.kill()
	r.startAgent()
	r.play("HELLO proto=1 model=SIM-ATM fw=1.0\n" + transfer("6217001234567890125"))
	r.sub.await(10*time.Second, "the third transfer's alert", func(m []message) bool {
		return slices.Contains(rulesOf(t, m), "medium/split-below-threshold")
	})
	if log := r.agent.log(); !strings.Contains(log, "card history restored") {
		t.Errorf("the restarted agent did not log its restored history:\n%s", log)
	}
}

// A pause before CONFIRM while the phone is on, timed by tgagent's real
// clock: pause_s and phone_on_s reach the rules (thresholds shortened to
// 2 s here; the shipped 60 s are played on the fake clock by the core's
// coached-pause scenario).
func TestCoachedPauseRealClock(t *testing.T) {
	r := newRig(t, map[string]any{
		"rules": map[string]any{"coached-by-phone": map[string]any{"when": "pause_s >= 2 && phone_on_s >= 2"}},
	})
	r.startAgent()
	r.play(`HELLO proto=1 model=SIM-ATM fw=1.0
START channel=ATM card=6222021234563445 age=58 lang=zh
+100ms SENSOR kind=PHONE_CALL state=ON
+100ms FUNC fn=WITHDRAW
+100ms AMOUNT minor=300000 cur=CNY
wait 1s
CONFIRM
+100ms END
START channel=ATM card=6222021234563445 age=58 lang=zh
+100ms SENSOR kind=PHONE_CALL state=ON
+100ms FUNC fn=WITHDRAW
+100ms AMOUNT minor=300000 cur=CNY
wait 2500ms
CONFIRM
+100ms END
`)
	r.sub.await(10*time.Second, "the coached session's alert", func(m []message) bool {
		return slices.Contains(rulesOf(t, m), "medium/coached-by-phone")
	})
	if got := rulesOf(t, r.sub.all()); len(got) != 1 {
		t.Fatalf("alerts: %v, want one, for the second session only (the first paused 1 s)", got)
	}
}
