package terminal

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/pan"
	"github.com/transferguard/transferguard/agent/rules"
	"github.com/transferguard/transferguard/agent/wire"
)

// SessionStore keeps the open session across a restart of the agent
// (CONTRACT §14). The core keeps two records under fixed names:
// SnapshotResume, everything needed to carry the session on, and
// SnapshotClose, only what closing it properly needs (its alerts, holds
// and audit), so a lost or damaged resume snapshot still lets the next run
// end the session cleanly. Records hold masked numbers and keyed hashes
// only, never a whole card or account number.
//
// The core calls it from its own goroutine only. Save replaces the record
// atomically, so that it survives a crash of the agent's process; with
// durable it returns only once the record survives a power cut too
// (fsync). It may block on a disk write, like Publisher, and must not
// block on anything else. A failing Save is logged and the session goes
// on: the store is a safety net, never a reason to stop warning the
// customer. Load returns (nil, nil) when nothing is stored under name.
// Clear removes every record (the session ended).
//
// Why the resume record is not durable: it is used only when the agent
// was down for at most the link timeout plus a heartbeat (restart.go),
// which a process restart meets and a power cut (a reboot) does not; the
// close record, which must outlive a power cut to close the session's
// alerts, is durable and changes far less often (no audit, no counters).
type SessionStore interface {
	Save(name string, b []byte, durable bool) error
	Load(name string) ([]byte, error)
	Clear() error
}

// DamageKeeper is a SessionStore that can keep a damaged record for
// inspection (CONTRACT §12: a damaged store is moved aside, not deleted).
// The core calls MoveAside when a record it loaded cannot be decoded;
// where is where the record now is, for the log. A store without it has
// the damaged record cleared with the rest.
type DamageKeeper interface {
	MoveAside(name string) (where string, err error)
}

// Names of the session records in a SessionStore.
const (
	SnapshotResume = "resume"
	SnapshotClose  = "close"
)

// snapshotV is the version of the snapshot format; any other is refused.
const snapshotV = 1

// snapshot is the stored form of a session. In the close record Resume is
// false and the fields only resuming needs are left empty.
type snapshot struct {
	V       int       `json:"v"`
	Resume  bool      `json:"resume"`
	Alive   time.Time `json:"alive,omitzero"` // the core was last known running (resume record)
	ID      string    `json:"id"`
	Started time.Time `json:"started"`
	Channel string    `json:"channel"`
	Lang    string    `json:"lang"`
	Card    shownNum  `json:"card"`
	Age     int       `json:"age"`
	Region  string    `json:"region,omitempty"`

	Fn          string   `json:"fn,omitempty"`
	Payee       shownNum `json:"payee"`
	PayeeSet    bool     `json:"payee_set,omitempty"`
	PayeeNew    bool     `json:"payee_new,omitempty"`
	PayeeListed bool     `json:"payee_listed,omitempty"`
	AmountMinor int64    `json:"amount_minor,omitempty"`
	Currency    string   `json:"currency"`
	Confirmed   bool     `json:"confirmed,omitempty"`
	Done        string   `json:"done,omitempty"`
	Cancels     int      `json:"cancels,omitempty"`

	Fired    []string          `json:"fired,omitempty"`
	Score    int               `json:"score"`
	Level    wire.Level        `json:"level,omitempty"`
	AlertID  string            `json:"alert_id,omitempty"`
	Holds    []wire.HoldReason `json:"holds,omitempty"`
	HelpID   string            `json:"help_id,omitempty"`
	Choice   string            `json:"choice,omitempty"`
	ChoiceBy string            `json:"choice_by,omitempty"`
	AlertIDs []string          `json:"alert_ids,omitempty"`
	Audit    []snapAudit       `json:"audit,omitempty"`
	Others   []envelope.Alert  `json:"others,omitempty"`
	More     *resumeOnly       `json:"more,omitempty"` // resume record only
	// Questions are the questions asked and their answers (question.go).
	Questions []snapAsked `json:"questions,omitempty"`
}

// resumeOnly is what carrying the session on needs beyond closing it.
type resumeOnly struct {
	FuncAt       time.Time          `json:"func_at,omitzero"`
	Transfers    int                `json:"transfers,omitempty"`
	Sensors      map[string]bool    `json:"sensors,omitempty"`
	PhoneSeen    bool               `json:"phone_seen,omitempty"`
	PhoneListed  bool               `json:"phone_listed,omitempty"`
	AlertLevel   wire.Level         `json:"alert_level,omitempty"`
	AlertReasons int                `json:"alert_reasons,omitempty"`
	Dispatch     wire.DispatchState `json:"dispatch,omitempty"`
	GuardName    string             `json:"guard_name,omitempty"`
	ETAS         int                `json:"eta_s,omitempty"`
	Cleared      bool               `json:"cleared,omitempty"`
	WarnOpen     bool               `json:"warn_open,omitempty"`
	RemindEnd    time.Time          `json:"remind_end,omitzero"`
	HelpOpen     bool               `json:"help_open,omitempty"`
	Stopped      bool               `json:"stopped,omitempty"`
	// Patterns (CONTRACT §9): the card's history is read at START, so it
	// is carried, with the card's history key (a keyed hash, no number).
	AmountAt    time.Time         `json:"amount_at,omitzero"`
	PauseS      float64           `json:"pause_s,omitempty"`
	PhoneOnAt   time.Time         `json:"phone_on_at,omitzero"`
	CardKey     string            `json:"card_key,omitempty"`
	Card24h     rules.CardHistory `json:"card_24h"`
	QuestionCur string            `json:"question_cur,omitempty"` // the question waiting for an answer
	QSettled    bool              `json:"q_settled,omitempty"`
}

// shownNum is a card or account number as it may be stored: masked, and
// its keyed hash under the fleet's correlation key ("" without one).
type shownNum struct {
	Masked string `json:"masked,omitempty"`
	Key    string `json:"key,omitempty"`
}

// snapAudit is one audit entry; the display seq is not kept (the next
// run's display counts afresh).
type snapAudit struct {
	envelope.ScreenShown
	At     time.Time `json:"at"`
	Closed bool      `json:"closed,omitempty"`
}

// restoredNums are a restored session's card and payee: the whole numbers
// are gone with the previous run, the masked forms and keys remain.
type restoredNums struct {
	card, payee shownNum
}

// cardOut is the card as an alert may show it.
func (s *session) cardOut(key string) shownNum {
	if s.card.IsZero() {
		return s.restored.card
	}
	return shownNum{Masked: s.card.Masked(), Key: pan.Key(key, s.card.Reveal())}
}

// payeeOut is the payee as an alert may show it.
func (s *session) payeeOut(key string) shownNum {
	if s.payee.IsZero() {
		return s.restored.payee
	}
	return shownNum{Masked: s.payee.Masked(), Key: pan.Key(key, s.payee.Reveal())}
}

// snapshotOf is the resume record of s; closeRecord strips it down.
func snapshotOf(s *session) snapshot {
	key := s.policy.Alerts.CorrelationKey
	sn := snapshot{
		V: snapshotV, Resume: true, ID: s.id, Started: s.started, Channel: s.channel, Lang: s.lang,
		Card: s.cardOut(key), Age: s.age, Region: s.region,
		Fn: s.fn, Payee: s.payeeOut(key), PayeeSet: s.payeeSet, PayeeNew: s.payeeNew, PayeeListed: s.payeeListed,
		AmountMinor: s.amountMinor, Currency: s.currency, Confirmed: s.confirmed, Done: s.done, Cancels: s.cancels,
		Score: s.score, Level: s.level, AlertID: s.alertID, Holds: s.holds, HelpID: s.helpID,
		Choice: s.choice, ChoiceBy: s.choiceBy, AlertIDs: s.alertIDs, Others: s.others,
		More: &resumeOnly{
			FuncAt: s.funcAt, Transfers: s.transfers, Sensors: s.sensors, PhoneSeen: s.phoneSeen, PhoneListed: s.phoneListed,
			AlertLevel: s.alertLevel, AlertReasons: s.alertReasons, Dispatch: s.dispatch, GuardName: s.guardName,
			ETAS: s.etaS, Cleared: s.cleared, WarnOpen: s.warnOpen, RemindEnd: s.remindEnd,
			HelpOpen: s.helpOpen, Stopped: s.stopped, QSettled: s.qs.settled,
			AmountAt: s.amountAt, PauseS: s.pauseS, PhoneOnAt: s.phoneOnAt, CardKey: s.cardKey, Card24h: s.card24h,
		},
		Questions: s.qs.snapshot(),
	}
	if s.qs.cur != nil {
		sn.More.QuestionCur = s.qs.cur.q.ID
	}
	for _, r := range s.firedRules() {
		sn.Fired = append(sn.Fired, r.ID)
	}
	for _, a := range s.audit {
		sn.Audit = append(sn.Audit, snapAudit{ScreenShown: a.ScreenShown, At: a.shownAt, Closed: a.closed})
	}
	return sn
}

// closeRecord is sn without what only resuming needs, and without what
// changes on most frames (the audit, the transaction's progress), so it is
// rewritten (and fsync'd) only when the session's identity, transaction
// details, alerts, holds or level change.
func (sn snapshot) closeRecord() snapshot {
	sn.Resume, sn.More, sn.Alive = false, nil, time.Time{}
	sn.Audit, sn.Confirmed, sn.Done, sn.Cancels = nil, false, "", 0
	return sn
}

// sessionOf rebuilds a session from a stored record under policy p (the
// policy in force now: the one the session started with is not stored).
func sessionOf(sn snapshot, p *config.Policy) *session {
	s := newSession(sn.ID, p, sn.Started)
	s.channel, s.lang, s.age, s.region = sn.Channel, p.Lang(sn.Lang), sn.Age, sn.Region
	s.restored = restoredNums{card: sn.Card, payee: sn.Payee}
	s.fn, s.payeeSet, s.payeeNew, s.payeeListed = sn.Fn, sn.PayeeSet, sn.PayeeNew, sn.PayeeListed
	s.amountMinor, s.currency, s.confirmed, s.done, s.cancels = sn.AmountMinor, sn.Currency, sn.Confirmed, sn.Done, sn.Cancels
	for _, id := range sn.Fired {
		s.fired[id] = true
	}
	s.score, s.level, s.alertID, s.holds, s.helpID = sn.Score, sn.Level, sn.AlertID, holdSet(sn.Holds), sn.HelpID
	s.choice, s.choiceBy, s.alertIDs, s.others = sn.Choice, sn.ChoiceBy, sn.AlertIDs, sn.Others
	for _, a := range sn.Audit {
		s.audit = append(s.audit, auditScreen{ScreenShown: a.ScreenShown, shownAt: a.At, closed: a.Closed})
	}
	// The screen on display when the previous run stopped was shown until
	// then, as far as anyone can tell.
	if a := s.lastAudit(); a != nil && !a.closed && !sn.Alive.IsZero() {
		a.DurationMS, a.closed = max(sn.Alive.Sub(a.shownAt).Milliseconds(), 0), true
	}
	s.alertLevel, s.alertReasons = s.level, len(sn.Fired)
	if m := sn.More; m != nil {
		s.funcAt, s.transfers, s.phoneSeen, s.phoneListed = m.FuncAt, m.Transfers, m.PhoneSeen, m.PhoneListed
		if m.Sensors != nil {
			s.sensors = m.Sensors
		}
		s.alertLevel, s.alertReasons = m.AlertLevel, m.AlertReasons
		s.dispatch, s.guardName, s.etaS, s.cleared = m.Dispatch, m.GuardName, m.ETAS, m.Cleared
		s.warnOpen, s.remindEnd, s.helpOpen, s.stopped = m.WarnOpen, m.RemindEnd, m.HelpOpen, m.Stopped
		s.amountAt, s.pauseS, s.phoneOnAt, s.cardKey, s.card24h = m.AmountAt, m.PauseS, m.PhoneOnAt, m.CardKey, m.Card24h
	}
	s.qs.restore(sn, p)
	return s
}

// persisted is what the core last handed its SessionStore.
type persisted struct {
	resume, close []byte    // as saved, Alive left out of resume
	alive         time.Time // Alive of the last resume record saved
	failing       bool      // the last save failed: log only the first
}

// persist saves the open session when it changed, and its resume record
// at least once a heartbeat while it is open, so its Alive says how long
// ago the core was last running; it clears the store once the session is
// over. Called after every decision (render).
func (t *Terminal) persist(now time.Time) {
	st := t.o.Sessions
	if st == nil {
		return
	}
	if t.sess == nil {
		if t.saved.resume != nil || t.saved.close != nil {
			t.saved = persisted{failing: t.saved.failing}
			t.storeErr(st.Clear(), "clear")
		}
		return
	}
	sn := snapshotOf(t.sess)
	if b, err := json.Marshal(sn.closeRecord()); err == nil && !bytes.Equal(b, t.saved.close) {
		if t.storeErr(st.Save(SnapshotClose, b, true), "save") {
			t.saved.close = b
		}
	}
	b, err := json.Marshal(sn)
	hb := config.Seconds(t.policy.Timings.HeartbeatS)
	if err != nil || (bytes.Equal(b, t.saved.resume) && now.Sub(t.saved.alive) < hb) {
		return
	}
	sn.Alive = now
	if full, err := json.Marshal(sn); err == nil && t.storeErr(st.Save(SnapshotResume, full, false), "save") {
		t.saved.resume, t.saved.alive = b, now
	}
}

// storeErr logs a failing store once per outage and reports success.
func (t *Terminal) storeErr(err error, op string) bool {
	switch {
	case err != nil && !t.saved.failing:
		t.log.Error().Err(err).Str("op", op).Msg("session store failing; the session goes on unsaved")
	case err == nil && t.saved.failing:
		t.log.Info().Msg("session store working again")
	}
	t.saved.failing = err != nil
	return err == nil
}
