package terminal

import (
	"slices"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
)

// Every choice, made by key and by touch, in every state of the transfer
// warning (CONTRACT §6): during the cooling-off, after it, and with a
// risk_high HOLD in force.
func TestEveryChoiceInEveryState(t *testing.T) {
	states := map[string]func(h *harness){
		"cooling-off": func(h *harness) {
			h.line("START age=45")
			h.line("FUNC fn=TRANSFER")
			h.advance(3*time.Second, false)
		},
		"after": func(h *harness) {
			h.line("START age=45")
			h.line("FUNC fn=TRANSFER")
			h.advance(11*time.Second, false)
		},
		"risk-hold": func(h *harness) {
			h.line("START age=45")
			h.line("SENSOR kind=PHONE_CALL state=ON")
			h.line("FUNC fn=TRANSFER")
			h.line("PAYEE acct=6217001234567890123 new=1")
			h.line("AMOUNT minor=2000000 cur=CNY")
			h.advance(11*time.Second, false)
		},
	}
	keys := map[string]string{screen.ChoiceContinue: "ENTER", screen.ChoiceStop: "CANCEL", screen.ChoiceHelp: "F8"}
	cases := []struct {
		state, choice string
		screen        wire.ScreenName
		released      []string // RELEASE reasons sent by the choice
		help          bool     // a help alert was raised
		record        string   // the record's choice
	}{
		{"cooling-off", screen.ChoiceContinue, wire.ScreenTransferWarning, nil, false, "none"},
		{"cooling-off", screen.ChoiceStop, wire.ScreenStopped, nil, false, "stop"},
		{"cooling-off", screen.ChoiceHelp, wire.ScreenHelpComing, nil, true, "help"},
		{"cooling-off", "", wire.ScreenTransferWarning, nil, false, "none"},
		{"after", screen.ChoiceContinue, wire.ScreenStandby, []string{"cooling_off"}, false, "continue"},
		{"after", screen.ChoiceStop, wire.ScreenStopped, nil, false, "stop"},
		{"after", screen.ChoiceHelp, wire.ScreenHelpComing, nil, true, "help"},
		{"after", "", wire.ScreenTransferWarning, nil, false, "none"},
		{"risk-hold", screen.ChoiceContinue, wire.ScreenHighRisk, nil, false, "none"},
		{"risk-hold", screen.ChoiceStop, wire.ScreenStopped, nil, false, "stop"},
		{"risk-hold", screen.ChoiceHelp, wire.ScreenHighRisk, nil, false, "none"},
		{"risk-hold", "", wire.ScreenHighRisk, nil, false, "none"},
	}
	for _, c := range cases {
		for _, by := range []string{"key", "touch"} {
			if c.choice == "" && by == "key" {
				continue // no key means "outside every button"
			}
			t.Run(c.state+"/"+c.choice+"/"+by, func(t *testing.T) {
				h := newHarness(t)
				states[c.state](h)
				releases, alerts := len(h.rec.Frames("RELEASE")), len(h.rec.Messages(wire.TopicAlert))
				if by == "key" {
					h.line("KEY key=" + keys[c.choice])
				} else {
					h.term.HandleInput(screen.FromDisplay{Type: screen.MsgInput, Source: screen.SourceTouch, Choice: c.choice})
				}
				if got := h.term.Screen().Name; got != c.screen {
					t.Errorf("screen = %s, want %s", got, c.screen)
				}
				var reasons []string
				for _, f := range h.rec.Frames("RELEASE")[releases:] {
					reasons = append(reasons, f.Fields["reason"])
				}
				if !slices.Equal(reasons, c.released) {
					t.Errorf("RELEASE reasons = %v, want %v", reasons, c.released)
				}
				help := false
				for _, a := range h.rec.Messages(wire.TopicAlert)[alerts:] {
					if a["kind"] == string(wire.KindHelp) {
						help = true
						if a["level"] != "high" || a["reasons"].([]any)[0].(map[string]any)["rule"] != RuleAskedForHelp {
							t.Errorf("help alert = %v, want high with reason %s", a, RuleAskedForHelp)
						}
					}
				}
				if help != c.help {
					t.Errorf("help alert raised = %v, want %v", help, c.help)
				}
				h.line("END")
				recs := h.rec.Messages(wire.TopicSession)
				if len(recs) != 1 || recs[0]["choice"] != c.record {
					t.Fatalf("records = %v, want one with choice %s", recs, c.record)
				}
				if c.record != "none" && recs[0]["choice_by"] != by {
					t.Errorf("choice_by = %v, want %s", recs[0]["choice_by"], by)
				}
			})
		}
	}
}

// With a risk_high HOLD in force the transfer warning does not offer
// continue at all; without one it offers continue, stop and help, each
// label naming its key.
func TestContinueNotOfferedUnderRiskHigh(t *testing.T) {
	h := newHarness(t)
	h.line("START age=45 lang=zh")
	h.line("FUNC fn=TRANSFER")
	var ids []string
	for _, c := range h.term.Screen().Choices {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, []string{"continue", "stop", "help"}) {
		t.Fatalf("choices = %v, want continue, stop, help", ids)
	}
	if got := h.term.Screen().Choices[2].Label; got != "找工作人员，请按【F8】键" {
		t.Errorf("help label = %q, want it to name F8", got)
	}
	h.term.sess.holds = append(h.term.sess.holds, wire.HoldRiskHigh)
	sc := build(h.term.sess.policy, wire.ScreenTransferWarning, "zh", h.term.sess, h.clk.Now())
	for _, c := range sc.Choices {
		if c.ID == screen.ChoiceContinue {
			t.Errorf("continue offered with a risk_high HOLD in force: %v", sc.Choices)
		}
	}
}

// help_key moves the help choice to another key (F7: F1…F6 answer the
// shipped purpose question).
func TestHelpKeyFromConfig(t *testing.T) {
	layer := map[string]any{"help_key": "F7"}
	h := newHarness(t, layer)
	h.line("START age=45 lang=en")
	h.line("FUNC fn=TRANSFER")
	h.line("KEY key=F8")
	if got := h.term.Screen().Name; got != wire.ScreenTransferWarning {
		t.Fatalf("F8 acted with help_key F7: screen %s", got)
	}
	h.line("KEY key=F7")
	if got := h.term.Screen().Name; got != wire.ScreenHelpComing {
		t.Errorf("F7 with help_key F7: screen %s, want help_coming", got)
	}
}
