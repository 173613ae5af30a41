package terminal

import (
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/rules"
)

// The CONTRACT §9 inputs, as a rule sees them at each step of a session.
func TestPatternInputs(t *testing.T) {
	h := newHarness(t, map[string]any{"site_region": "330100"})
	h.line("START card=6222021234563445 age=45 region=330381")
	h.line("+10s SENSOR kind=PHONE_CALL state=ON")
	h.line("+20s SENSOR kind=PHONE_CALL state=ON") // a repeated ON keeps the call's start
	h.line("+1s FUNC fn=TRANSFER")
	h.line("+2s AMOUNT minor=490000")
	env := h.term.sess.env(h.clk.Now())
	if env.PhoneOnS != 23 || env.PauseS != 0 || env.Attempts != 1 || env.SiteRegion != "330100" {
		t.Fatalf("after AMOUNT: phone_on_s %v pause_s %v attempts %d site_region %q, want 23, 0, 1, 330100",
			env.PhoneOnS, env.PauseS, env.Attempts, env.SiteRegion)
	}
	h.line("+70s CONFIRM")
	h.line("+5s SENSOR kind=PHONE_CALL state=OFF")
	env = h.term.sess.env(h.clk.Now())
	if env.PauseS != 70 || env.PhoneOnS != 0 {
		t.Fatalf("after CONFIRM and hang-up: pause_s %v phone_on_s %v, want 70 and 0", env.PauseS, env.PhoneOnS)
	}
	h.line("+1s FUNC fn=TRANSFER")
	if env = h.term.sess.env(h.clk.Now()); env.Attempts != 2 || env.PauseS != 0 {
		t.Fatalf("second transfer: attempts %d pause_s %v, want 2 and 0", env.Attempts, env.PauseS)
	}
	h.line("+1s END")

	// The next session of the same card sees this one; another card does not.
	h.line(`+1h START card="6222 0212 3456 3445" age=45`)
	want := rules.CardHistory{Transfers: 1, AmountMinor: 490000, MinMinor: 490000, MaxMinor: 490000}
	if got := h.term.sess.env(h.clk.Now()).Card24h; got != want {
		t.Fatalf("card_24h = %+v, want %+v", got, want)
	}
	h.line("+1s END")
	h.line("+1s START card=6222021234563446 age=45")
	if got := h.term.sess.env(h.clk.Now()).Card24h; got != (rules.CardHistory{}) {
		t.Fatalf("another card's card_24h = %+v, want none", got)
	}
	h.line("+1s END")
	// A session that started no transfer is not an attempt.
	h.line("+1s START card=6222021234563445")
	h.line("+1s FUNC fn=INQUIRY")
	h.line("+1s END")
	h.clk.Advance(23 * time.Hour)
	h.line("START card=6222021234563445")
	if got := h.term.sess.env(h.clk.Now()).Card24h; got.Transfers != 0 {
		t.Fatalf("24 h later card_24h = %+v, want it forgotten", got)
	}
}

// Without a history key nothing is remembered, and nothing fails.
func TestNoHistoryKey(t *testing.T) {
	h := newHarness(t)
	h.term.o.History = noHistory{}
	h.line("START card=6222021234563445")
	h.line("FUNC fn=TRANSFER")
	h.line("END")
	h.line("START card=6222021234563445")
	if got := h.term.sess.env(h.clk.Now()).Card24h; got.Transfers != 0 {
		t.Fatalf("card_24h = %+v without a history", got)
	}
}
