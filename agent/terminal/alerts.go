package terminal

import (
	"encoding/json"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

// newRiskAlert names the first alert of a session that crossed the alert
// level; announceRisk publishes it once the session is saved with it.
func (t *Terminal) newRiskAlert() {
	s := t.sess
	s.alertID = t.o.IDs()
	s.alertIDs = append(s.alertIDs, s.alertID)
}

// announceRisk publishes the alert newRiskAlert named.
func (t *Terminal) announceRisk(now time.Time) {
	s := t.sess
	t.log.Warn().Str("session", s.id).Str("alert_id", s.alertID).Str("level", string(s.level)).Int("score", s.score).Msg("alert raised")
	t.publishRisk(now, wire.TypeAlert)
}

// publishUpdate republishes a session's alert after a change (level,
// reasons, confirm, cancel, done, end) under the same alert_id.
func (t *Terminal) publishUpdate(now time.Time) {
	if s := t.sess; s != nil && s.alertID != "" {
		t.publishRisk(now, wire.TypeAlertUpdate)
	}
}

func (t *Terminal) publishRisk(now time.Time, typ wire.MessageType) {
	s := t.sess
	a := t.envelope(now, typ, s.alertID, wire.KindRisk, s.level, s.score)
	for _, r := range s.firedRules() {
		a.Reasons = append(a.Reasons, envelope.Reason{Rule: r.ID, Text: r.Text[s.policy.Alerts.Lang]})
	}
	t.fillSession(&a, s)
	s.alertLevel, s.alertReasons = s.level, len(a.Reasons)
	t.publish(wire.TopicAlert, a.ID, a)
}

// raisePanic raises a silent duress alert: nothing changes on the customer's
// screen, nothing is sent to the controller.
func (t *Terminal) raisePanic(now time.Time) {
	a := t.envelope(now, wire.TypeAlert, t.o.IDs(), wire.KindPanic, wire.LevelHigh, 100)
	a.Reasons = []envelope.Reason{{Rule: RulePanic, Text: t.fixedText("panic")}}
	if s := t.sess; s != nil {
		t.fillSession(&a, s)
		s.others = append(s.others, a)
		s.alertIDs = append(s.alertIDs, a.AlertID)
	} else {
		a.Channel = string(wire.ChannelCounter)
	}
	t.log.Warn().Str("alert_id", a.AlertID).Msg("panic alert raised")
	t.publish(wire.TopicAlert, a.ID, a)
}

// raiseTamper reports that the link died while a customer was mid-session.
func (t *Terminal) raiseTamper(now time.Time) {
	a := t.envelope(now, wire.TypeAlert, t.o.IDs(), wire.KindTamper, wire.LevelHigh, 100)
	a.Reasons = []envelope.Reason{{Rule: RuleLinkDown, Text: t.fixedText("link-down")}}
	t.fillSession(&a, t.sess)
	t.sess.others = append(t.sess.others, a)
	t.sess.alertIDs = append(t.sess.alertIDs, a.AlertID)
	t.log.Warn().Str("alert_id", a.AlertID).Str("session", t.sess.id).Msg("tamper alert raised")
	t.publish(wire.TopicAlert, a.ID, a)
}

// raiseHelp raises the alert of a customer who asked for staff on the
// transfer warning (CONTRACT §6): kind help, level high, with the risk
// reasons that fired so the guard knows what the customer faces. A second
// press while help is on its way raises nothing new.
func (t *Terminal) raiseHelp(now time.Time) {
	s := t.sess
	if s.helpOpen {
		return
	}
	s.helpOpen, s.dispatch = true, ""
	a := t.envelope(now, wire.TypeAlert, t.o.IDs(), wire.KindHelp, wire.LevelHigh, s.score)
	a.Reasons = []envelope.Reason{{Rule: RuleAskedForHelp, Text: t.fixedText("help")}}
	for _, r := range s.firedRules() {
		a.Reasons = append(a.Reasons, envelope.Reason{Rule: r.ID, Text: r.Text[s.policy.Alerts.Lang]})
	}
	t.fillSession(&a, s)
	s.helpID = a.AlertID
	s.others = append(s.others, a)
	s.alertIDs = append(s.alertIDs, a.AlertID)
	t.log.Warn().Str("alert_id", a.AlertID).Str("session", s.id).Msg("customer asked for help")
	t.publish(wire.TopicAlert, a.ID, a)
}

// Reason rules of the built-in alerts.
const (
	RulePanic        = "panic-button"
	RuleLinkDown     = "link-down"
	RuleAskedForHelp = "customer-asked-for-help"
)

// closeOthers publishes the final update of the session's panic and
// tamper alerts, so a console can close them too.
func (t *Terminal) closeOthers(now time.Time) {
	s := t.sess
	for _, a := range s.others {
		a.ID, a.Type, a.TS = t.o.IDs(), wire.TypeAlertUpdate, envelope.Time(now)
		t.fillSession(&a, s)
		t.publish(wire.TopicAlert, a.ID, a)
	}
}

func (t *Terminal) envelope(now time.Time, typ wire.MessageType, alertID string, kind wire.AlertKind, level wire.Level, score int) envelope.Alert {
	return envelope.Alert{
		V: 1, ID: t.o.IDs(), Type: typ, AlertID: alertID, TS: envelope.Time(now),
		Site: t.o.Site, Terminal: t.o.Terminal, Kind: kind, Level: level, Score: score,
	}
}

// fillSession copies what the alert may say of the session: masked
// numbers and correlation keys only.
func (t *Terminal) fillSession(a *envelope.Alert, s *session) {
	key := s.policy.Alerts.CorrelationKey
	a.Session, a.Channel, a.Held = s.id, s.channel, s.holds.risk()
	card, payee := s.cardOut(key), s.payeeOut(key)
	a.Customer = &envelope.Customer{Card: card.Masked, Region: s.region, CardKey: card.Key}
	if s.age >= 0 {
		age := s.age
		a.Customer.Age = &age
	}
	if s.fn != "" || s.payeeSet || s.amountMinor > 0 {
		a.Txn = &envelope.Txn{
			Fn: s.fn, AmountMinor: s.amountMinor, Currency: s.currency,
			Payee: payee.Masked, PayeeListed: s.payeeListed, PayeeNew: s.payeeNew,
			PayeeKey: payee.Key,
		}
	}
	a.State, a.Choice = txnState(s), s.choice
	if s.ended {
		a.State, a.EndReason = stateEnded, s.endReason
	}
}

// Session states (envelope.Alert.State, SessionRecord.State).
const (
	stateEnded = "ended"
)

// Why a session ended (EndReason).
const (
	endEnd               = "end"
	endControllerRestart = "controller_restart"
	endReplaced          = "replaced"
)

// txnState summarises where the transaction stands, for consoles and the
// record; an alert's final update says "ended" instead.
func txnState(s *session) string {
	switch {
	case s.done == string(wire.ResultOK):
		return "done_ok"
	case s.done != "":
		return "done_fail"
	case s.cancels > 0 && !s.confirmed:
		return "cancelled"
	case s.confirmed:
		return "confirmed"
	}
	return "open"
}

// fixedText is the alert text of the built-in kinds, in the alert language.
func (t *Terminal) fixedText(what string) string {
	zh := t.policy.Alerts.Lang == "zh"
	switch {
	case what == "help" && zh:
		return "客户在转账警示页上请求工作人员协助"
	case what == "help":
		return "The customer asked for staff on the transfer warning"
	case what == "panic" && zh:
		return "柜台紧急按钮被按下"
	case what == "panic":
		return "Counter duress button pressed"
	case zh:
		return "客户操作期间终端串口链路中断"
	}
	return "Terminal serial link lost during a customer session"
}

// publish marshals and hands a message to the durable outbox. A failure
// here is a failing disk: it is logged loudly, and the decision (screen,
// HOLD) has already been made regardless.
func (t *Terminal) publish(topic wire.Suffix, id string, v any) {
	b, err := json.Marshal(v)
	if err == nil {
		err = t.o.Publisher.Publish(envelope.Message{ID: id, Topic: topic, Payload: b})
	}
	if err != nil {
		t.log.Error().Err(err).Str("topic", string(topic)).Str("id", id).Msg("outbox write failed; message lost")
	}
}
