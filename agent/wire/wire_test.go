package wire

import "testing"

func TestInbound(t *testing.T) {
	for _, ft := range []FrameType{Hello, HB, Start, Func, Payee, Amount, Confirm, Cancel, Done, End, Sensor, Key, Panic, Answer} {
		if !ft.Inbound() {
			t.Errorf("%s: Inbound() = false, want true", ft)
		}
	}
	for _, ft := range []FrameType{Ack, Nak, Hold, Release, Screen, Ask, Advice, "NOPE"} {
		if ft.Inbound() {
			t.Errorf("%s: Inbound() = true, want false", ft)
		}
	}
}

func TestRiskHold(t *testing.T) {
	cases := map[Level]HoldReason{LevelNone: HoldNone, LevelMedium: HoldRiskMedium, LevelHigh: HoldRiskHigh}
	for l, want := range cases {
		if got := RiskHold(l); got != want {
			t.Errorf("RiskHold(%q) = %q, want %q", l, got, want)
		}
		if got := RiskHold(l).IsRisk(); got != (want != HoldNone) {
			t.Errorf("RiskHold(%q).IsRisk() = %v", l, got)
		}
	}
	if HoldCoolingOff.IsRisk() {
		t.Error("cooling_off counted as a risk hold")
	}
}

func TestLevelRank(t *testing.T) {
	if !(LevelNone.Rank() < LevelMedium.Rank() && LevelMedium.Rank() < LevelHigh.Rank()) {
		t.Fatal("levels are not ordered none < medium < high")
	}
}

func TestTopics(t *testing.T) {
	if got, want := TerminalTopic("S1", "T1", TopicAlert), "tg/v1/S1/T1/alert"; got != want {
		t.Errorf("TerminalTopic = %q, want %q", got, want)
	}
	if got, want := SiteConfigTopic("S1"), "tg/v1/S1/config/set"; got != want {
		t.Errorf("SiteConfigTopic = %q, want %q", got, want)
	}
	site, term, s, ok := SplitTerminalTopic("tg/v1/S1/T1/config/state")
	if !ok || site != "S1" || term != "T1" || s != TopicConfigState {
		t.Errorf("SplitTerminalTopic = %q %q %q %v", site, term, s, ok)
	}
	for _, bad := range []string{"tg/v2/S1/T1/alert", "tg/v1/S1/T1", "tg/v1//T1/alert", "x"} {
		if _, _, _, ok := SplitTerminalTopic(bad); ok {
			t.Errorf("SplitTerminalTopic(%q) ok", bad)
		}
	}
}
