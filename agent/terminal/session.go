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

	ended bool
	fired map[string]bool // rules that fired at some point (sticky)
	score int
	level wire.Level

	alertID      string
	alertLevel   wire.Level      // level last published
	alertReasons int             // reasons last published
	holdReason   wire.HoldReason // HoldNone when no HOLD in force
	dispatch     wire.DispatchState
	guard        string
	etaS         int
	cleared      bool // staff resolved the alert: risk no longer drives the screen

	warnAt    time.Time // transfer warning start; zero when none pending
	warnAcked bool
	remindEnd time.Time

	audit []auditScreen
	// others are the panic and tamper alerts raised during the session;
	// each gets its final alert_update when the session ends.
	others []envelope.Alert
}

func newSession(id string, p *config.Policy, now time.Time) *session {
	return &session{
		id: id, policy: p, started: now, age: -1, currency: "CNY",
		lang: p.DefaultLang, sensors: map[string]bool{}, fired: map[string]bool{},
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
	}
	if !s.funcAt.IsZero() {
		e.FuncS = now.Sub(s.funcAt).Seconds()
	}
	return e
}

// warningPending reports whether a transfer warning waits for its
// acknowledgement.
func (s *session) warningPending() bool { return !s.warnAt.IsZero() && !s.warnAcked }

// coolingEnds is when the pending warning may be acknowledged.
func (s *session) coolingEnds() time.Time {
	return s.warnAt.Add(config.Seconds(s.policy.Timings.CoolingOffS))
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
