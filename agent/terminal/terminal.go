package terminal

import (
	"strconv"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/pan"
	"github.com/transferguard/transferguard/agent/phone"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
)

// Options wires a Terminal. Every interface field is required except
// Watchlist (nothing listed), History (nothing remembered) and IDs (random
// ULIDs).
type Options struct {
	Site, Terminal string
	Policy         *config.Policy
	Watchlist      Watchlist
	// History keeps each card's transfer attempts over 24 hours, named by
	// HMAC-SHA-256 under HistoryKey (hex, a secret of this terminal); with
	// no key nothing is recorded.
	History    History
	HistoryKey string
	Clock      clock.Clock
	Controller Controller
	Display    Display
	Publisher  Publisher
	Status     StatusSink
	Log        zerolog.Logger
	// IDs returns a new unique, time-sortable id (ULID) for sessions,
	// alerts and messages.
	IDs func() string
	// Sessions, if set, keeps the open session across a restart of the
	// agent (restart.go); Boot is this run's id, sent in the agent's HELLO
	// (the same id as in the MQTT status).
	Sessions SessionStore
	Boot     string
}

// Terminal is the state of one terminal. It is not safe for concurrent
// use: Runner serialises every call onto one goroutine.
type Terminal struct {
	o          Options
	log        zerolog.Logger
	policy     *config.Policy
	booted     time.Time
	sess       *session
	lastRx     time.Time // last valid frame
	linkUp     bool
	nextHB     time.Time
	shown      screen.Screen // last screen decided
	renderedAt time.Time     // when the screen was last decided
	seq        uint64
	saved      persisted     // what the session store holds
	greeted    bool          // the agent's HELLO went out
	pending    []frame.Frame // for the controller once the link is up (restart.go)
	turns      atomic.Uint64 // Run's completed loop turns, the one field other goroutines read
}

// New returns a Terminal showing standby with the link down until the
// first valid frame.
func New(o Options) *Terminal {
	if o.Watchlist == nil {
		o.Watchlist = emptyList{}
	}
	if o.History == nil || o.HistoryKey == "" {
		o.History = noHistory{}
	}
	if o.IDs == nil {
		o.IDs = NewULIDs(o.Clock)
	}
	now := o.Clock.Now()
	t := &Terminal{
		o: o, log: o.Log.With().Str("component", "terminal").Logger(),
		policy: o.Policy, booted: now,
		nextHB: now.Add(config.Seconds(o.Policy.Timings.HeartbeatS)),
	}
	o.Status.SetLink(false)
	t.recoverSession(now)
	t.render(now)
	return t
}

// SetPolicy installs a new effective policy. An open session keeps the
// policy it started with, so the warning a customer is reading never
// changes under them; standby follows at once.
func (t *Terminal) SetPolicy(p *config.Policy) {
	t.policy = p
	if t.sess == nil {
		t.render(t.o.Clock.Now())
	}
}

// SetWatchlist installs a new watchlist; it applies from the next lookup.
func (t *Terminal) SetWatchlist(w Watchlist) {
	if w == nil {
		w = emptyList{}
	}
	t.o.Watchlist = w
}

// Screen returns the screen currently decided.
func (t *Terminal) Screen() screen.Screen { return t.shown }

// HandleFrame processes one valid, de-duplicated frame from the controller.
// It returns the NAK reason when the frame cannot be acted on (NO_SESSION),
// "" when the frame is to be acknowledged.
func (t *Terminal) HandleFrame(f frame.Frame) wire.NakReason {
	now := t.o.Clock.Now()
	t.lastRx = now
	if !t.linkUp {
		t.linkUp = true
		t.o.Status.SetLink(true)
		t.log.Info().Msg("serial link up")
		t.greet()
		t.resendAdvice(now)
	}
	switch f.Type {
	case wire.Hello:
		t.hello(now, f)
	case wire.Start:
		t.start(now, f)
	case wire.Panic:
		t.raisePanic(now)
	case wire.HB:
	default:
		if t.sess == nil {
			return t.noSession(f)
		}
		t.sessionFrame(now, f)
	}
	t.render(now)
	return ""
}

func (t *Terminal) hello(now time.Time, f frame.Frame) {
	t.log.Info().Str("model", f.Value("model")).Str("fw", f.Value("fw")).Str("proto", f.Value("proto")).Msg("controller hello")
	if t.sess != nil {
		t.endSession(now, "controller_restart")
	}
}

func (t *Terminal) start(now time.Time, f frame.Frame) {
	if t.sess != nil {
		t.endSession(now, endReplaced)
	}
	s := newSession(t.o.IDs(), t.policy, now)
	s.applyStart(f.Value)
	t.loadHistory(s, now)
	s.remindEnd = now.Add(config.Seconds(s.policy.Timings.ReminderS))
	t.sess = s
	t.log.Info().Str("session", s.id).Str("channel", s.channel).Str("lang", s.lang).Msg("session started")
	t.evaluate(now)
}

// sessionFrame applies a frame that belongs to the open session.
func (t *Terminal) sessionFrame(now time.Time, f frame.Frame) {
	s := t.sess
	switch f.Type {
	case wire.Func:
		s.fn = f.Value("fn")
		s.funcAt = now
		if s.fn == string(wire.FnTransfer) {
			s.transfers++
			s.pauseS, s.amountAt = 0, time.Time{}
			s.warnOpen = true
			t.hold(wire.HoldCoolingOff)
		}
	case wire.Payee:
		s.payee = pan.NewNumber(f.Value("acct"))
		s.payeeSet = true
		s.payeeNew = f.Value("new") == "1"
		s.payeeListed = !s.payee.IsZero() && t.o.Watchlist.HasAccount(s.payee.Reveal())
	case wire.Amount:
		if v, err := strconv.ParseInt(f.Value("minor"), 10, 64); err == nil && v >= 0 {
			s.amountMinor = v
		}
		s.amountAt = now
		if c := f.Value("cur"); c != "" {
			s.currency = c
		}
	case wire.Confirm:
		s.confirmed = true
		if !s.amountAt.IsZero() {
			s.pauseS = now.Sub(s.amountAt).Seconds()
		}
	case wire.Cancel:
		s.cancels++
		t.cancel(now)
	case wire.Done:
		s.done = f.Value("result")
	case wire.End:
		t.endSession(now, endEnd)
		return
	case wire.Sensor:
		t.sensor(now, f)
	case wire.Key:
		t.keyFrame(now, f.Value("key"))
		return
	case wire.Answer:
		t.answerFrame(now, f)
		return
	}
	t.evaluate(now)
	if f.Type == wire.Done || f.Type == wire.Confirm {
		t.publishUpdate(now)
	}
}

// sensor applies a SENSOR frame. For the phone sensor it remembers when
// the call began (a repeated ON keeps the first time) and matches the
// caller's number, in whatever spelling, against the watchlist.
func (t *Terminal) sensor(now time.Time, f frame.Frame) {
	s := t.sess
	kind, on := f.Value("kind"), f.Value("state") == "ON"
	was := s.sensors[kind]
	s.sensors[kind] = on
	if wire.SensorKind(kind) != wire.SensorPhoneCall {
		return
	}
	switch {
	case on && !was:
		s.phoneOnAt = now
	case !on:
		s.phoneOnAt = time.Time{}
	}
	if on {
		s.phoneSeen = true
		if n := phone.NewNumber(f.Value("number")); !n.IsZero() && t.o.Watchlist.HasPhone(n.Reveal()) {
			s.phoneListed = true
		}
	}
}

// cancel: the terminal cancelled the transaction. A cooling-off hold has
// nothing left to guard; a risk hold stays until staff clear it or END.
func (t *Terminal) cancel(now time.Time) {
	s := t.sess
	if s.warnOpen {
		s.warnOpen = false
		s.closeWarning("cancel")
	}
	if s.channel == string(wire.ChannelATM) {
		s.dropQuestion()
	}
	t.release(wire.HoldCoolingOff)
	t.publishUpdate(now)
}

// Tick runs the timers: heartbeats, link supervision, the end of the
// reminder and of the cooling-off. Call it at NextDeadline or later.
func (t *Terminal) Tick() {
	now := t.o.Clock.Now()
	if !now.Before(t.nextHB) {
		up := int(now.Sub(t.booted).Seconds())
		t.o.Controller.Send(frame.New(wire.HB, "up", strconv.Itoa(up)))
		t.nextHB = now.Add(config.Seconds(t.policy.Timings.HeartbeatS))
	}
	if t.linkUp && !now.Before(t.lastRx.Add(t.linkTimeout())) {
		t.linkDown(now)
	}
	t.questionTimers(now)
	t.render(now)
}

// NextDeadline is the latest time Tick must next be called.
func (t *Terminal) NextDeadline() time.Time {
	d := t.nextHB
	earliest := func(x time.Time) {
		if !x.IsZero() && x.Before(d) {
			d = x
		}
	}
	if t.linkUp {
		earliest(t.lastRx.Add(t.linkTimeout()))
	}
	// A timer counts until the screen has been decided after it ended: a
	// frame handled just before the end must not swallow the change.
	if s := t.sess; s != nil {
		if s.remindEnd.After(t.renderedAt) {
			earliest(s.remindEnd)
		}
		if end := s.coolingEnds(); end.After(t.renderedAt) {
			earliest(end)
		}
		earliest(s.questionDeadline())
	}
	return d
}

func (t *Terminal) linkTimeout() time.Duration {
	return config.Seconds(t.policy.Timings.LinkTimeoutS)
}

func (t *Terminal) linkDown(now time.Time) {
	t.linkUp = false
	t.o.Status.SetLink(false)
	t.log.Warn().Dur("silent", now.Sub(t.lastRx)).Bool("session_open", t.sess != nil).Msg("serial link down")
	if t.sess != nil {
		t.raiseTamper(now)
	}
}

type emptyList struct{}

func (emptyList) HasAccount(string) bool { return false }
func (emptyList) HasPhone(string) bool   { return false }
