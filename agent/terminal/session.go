package terminal

import (
	"strconv"
	"strings"
	"time"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/pan"
	"github.com/transferguard/transferguard/agent/rules"
	"github.com/transferguard/transferguard/agent/wire"
)

// session is one customer at the terminal, from START to END. Card and
// payee numbers are held whole only here, in memory, as pan.Number.
type session struct {
	id      string
	policy  *config.Policy // snapshot at START: a config change never reaches an open session
	started time.Time
	channel string
	lang    string
	card    pan.Number
	age     int
	region  string

	fn          string
	funcAt      time.Time
	payee       pan.Number
	payeeSet    bool
	payeeNew    bool
	payeeListed bool
	amountMinor int64
	currency    string
	confirmed   bool
	done        string // OK, FAIL, "" while open
	transfers   int
	cancels     int
	sensors     map[string]bool
	phoneSeen   bool
	phoneListed bool

	// Patterns across steps and sessions (CONTRACT §9).
	amountAt  time.Time // last AMOUNT; zero before one
	pauseS    float64   // last AMOUNT → CONFIRM, seconds; 0 before a CONFIRM
	phoneOnAt time.Time // phone sensor ON since; zero while off
	cardKey   string    // keyed hash of the card for the history; "" for none
	card24h   rules.CardHistory
	// inputs are the rule inputs of every evaluation that changed one,
	// for the session record and the backtest (CONTRACT §13).
	inputs rules.Trace

	ended bool
	fired map[string]bool // rules that fired at some point (sticky)
	score int
	level wire.Level

	alertID      string
	alertLevel   wire.Level // level last published
	alertReasons int        // reasons last published
	holds        holdSet    // HOLDs in force, in the order they were sent
	dispatch     wire.DispatchState
	guardName    string // display name from the console; never the login
	etaS         int
	cleared      bool // staff resolved the alert: risk no longer drives the screen

	// The transfer warning: open from FUNC TRANSFER until a choice closes
	// it; its countdown runs from warnFrom, the moment it last came on
	// screen (zero while another screen covers it), so it is always seen
	// whole.
	warnOpen  bool
	warnFrom  time.Time
	remindEnd time.Time

	helpID   string // the customer's help alert, for dispatch routing
	helpOpen bool   // help asked and not yet resolved by staff
	stopped  bool   // the customer chose stop: the stopped screen until END
	choice   string // last choice: continue, stop, help; "" for none
	choiceBy string // key or touch

	qs questions // questions put to the customer (question.go)

	endReason string
	alertIDs  []string // every alert raised, in order
	audit     []auditScreen
	// others are the panic and tamper alerts raised during the session;
	// each gets its final alert_update when the session ends.
	others []envelope.Alert
	// restored: the masked card and payee of a session restored after an
	// agent restart, whose whole numbers are gone (persist.go).
	restored restoredNums
}

func newSession(id string, p *config.Policy, now time.Time) *session {
	return &session{
		id: id, policy: p, started: now, age: -1, currency: "CNY",
		lang: p.DefaultLang, sensors: map[string]bool{}, fired: map[string]bool{},
		qs: questions{answers: map[string]string{}},
	}
}

// applyStart fills the customer fields of a START frame.
func (s *session) applyStart(get func(string) string) {
	s.channel = strings.ToUpper(get("channel"))
	if s.channel == "" {
		s.channel = string(wire.ChannelATM)
	}
	s.card = pan.NewNumber(get("card"))
	if a, err := strconv.Atoi(get("age")); err == nil && a >= 0 && a < 150 {
		s.age = a
	}
	s.region = get("region")
	s.lang = s.policy.Lang(strings.ToLower(get("lang")))
}

// env is what rules see of the session at now.
func (s *session) env(now time.Time) *rules.Env {
	local := now.In(s.policy.Location())
	e := &rules.Env{
		Channel: s.channel, Fn: s.fn, Age: s.age, Region: s.region, Lang: s.lang,
		AmountMinor: s.amountMinor, Amount: float64(s.amountMinor) / 100, Currency: s.currency,
		PayeeSet: s.payeeSet, PayeeNew: s.payeeNew, PayeeListed: s.payeeListed,
		PhoneCall: s.sensors[string(wire.SensorPhoneCall)], PhoneSeen: s.phoneSeen, PhoneListed: s.phoneListed,
		Confirmed: s.confirmed, Transfers: s.transfers, Cancels: s.cancels,
		Hour: local.Hour(), Weekday: int(local.Weekday()),
		SessionS: now.Sub(s.started).Seconds(), Sensors: s.sensors,
		PauseS: s.pauseS, Attempts: s.transfers, Card24h: s.card24h, SiteRegion: s.policy.SiteRegion,
		Answers: s.qs.answers,
	}
	if !s.phoneOnAt.IsZero() {
		e.PhoneOnS = now.Sub(s.phoneOnAt).Seconds()
	}
	if !s.funcAt.IsZero() {
		e.FuncS = now.Sub(s.funcAt).Seconds()
	}
	return e
}

// coolingEnds is when the countdown of the warning on screen ends; zero
// when the warning is not on screen.
func (s *session) coolingEnds() time.Time {
	if !s.warnOpen || s.warnFrom.IsZero() {
		return time.Time{}
	}
	return s.warnFrom.Add(config.Seconds(s.policy.Timings.CoolingOffS))
}

// countdownLeft is the cooling-off left at now; zero once it is over.
func (s *session) countdownLeft(now time.Time) time.Duration {
	if end := s.coolingEnds(); !end.IsZero() && end.After(now) {
		return end.Sub(now)
	}
	return 0
}

// countdownOver reports whether a continue at now is taken: the warning
// was on screen for the whole cooling-off, plus the early-ack grace.
func (s *session) countdownOver(now time.Time) bool {
	end := s.coolingEnds()
	grace := time.Duration(s.policy.Timings.EarlyAckGraceMS) * time.Millisecond
	return !end.IsZero() && !now.Before(end.Add(grace))
}

// firedRules returns the rules that fired, in the policy's order.
func (s *session) firedRules() []*config.Rule {
	var out []*config.Rule
	for _, r := range s.policy.OrderedRules() {
		if s.fired[r.ID] {
			out = append(out, r)
		}
	}
	return out
}
