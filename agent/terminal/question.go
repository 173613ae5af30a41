package terminal

import (
	"strings"
	"time"

	"github.com/transferguard/transferguard/agent/config"
	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/frame"
	"github.com/transferguard/transferguard/agent/phone"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
)

// Questions (CONTRACT §8, §15) run the same way on both channels. A
// question is asked once per session, the first time its condition holds
// and no other question is waiting; one is asked at a time, lowest order
// first. On the ATM it is a screen (name=question) answered by a key
// (F1…F8) or a touch inside a choice, and it is asked only while the
// transfer warning is still to come, so the cooling-off starts after it.
// At the counter it is an ASK frame answered by ANSWER, and the customer
// display shows it too. An answer, or "none" when the question times out,
// becomes the rule input answers.<id>, and the rules run again.

// asked is one question put to the customer.
type asked struct {
	q        *config.Question
	at       time.Time
	input    string // the rule input: yes, no, a choice id, none, listed, unlisted
	record   string // what the record says: the answer, a phone number masked
	listed   bool
	by       string
	answered time.Time
	timedOut bool
}

// questions is a session's question state.
type questions struct {
	list    []*asked
	cur     *asked            // the question waiting for an answer; nil when none
	answers map[string]string // rule inputs by question id
	settled bool              // counter: the all-clear advice was sent
}

func (qs *questions) find(id string) *asked {
	for _, a := range qs.list {
		if a.q.ID == id {
			return a
		}
	}
	return nil
}

// askNext asks the first question that is due, when none is waiting. At
// the counter, once every due question is answered and nothing raised an
// alert, the teller is told to carry on.
func (t *Terminal) askNext(now time.Time) {
	s := t.sess
	if s.qs.cur != nil || s.ended || !t.mayAsk() {
		return
	}
	env := s.env(now)
	for _, q := range s.policy.OrderedQuestions() {
		if q.Channel != s.channel || s.qs.find(q.ID) != nil {
			continue
		}
		ok, err := q.Program().Match(env)
		if err != nil {
			t.log.Error().Err(err).Str("question", q.ID).Msg("question condition failed; not asked")
		}
		if ok {
			t.ask(now, q)
			return
		}
	}
	if s.channel == string(wire.ChannelCounter) && len(s.qs.list) > 0 && !s.qs.settled && s.level == wire.LevelNone {
		s.qs.settled = true
		t.adviseLevel(wire.AdviceInfo)
	}
}

// mayAsk: at the ATM a question belongs before the transfer warning, so
// it is asked only while that warning is open and nothing graver (a stop,
// a help call, a high-risk hold) has taken over the screen.
func (t *Terminal) mayAsk() bool {
	s := t.sess
	if s.channel != string(wire.ChannelATM) {
		return true
	}
	return s.warnOpen && !s.stopped && !s.helpOpen && (s.level != wire.LevelHigh || s.cleared)
}

// ask puts q to the customer: an ASK frame at the counter, the question
// screen at the ATM (render shows it).
func (t *Terminal) ask(now time.Time, q *config.Question) {
	s := t.sess
	a := &asked{q: q, at: now}
	s.qs.list = append(s.qs.list, a)
	s.qs.cur = a
	t.log.Info().Str("session", s.id).Str("question", q.ID).Msg("question asked")
	if s.channel != string(wire.ChannelCounter) {
		return
	}
	f := frame.New(wire.Ask, "q", q.ID, "kind", q.Kind, "text", q.Text[s.lang])
	if q.Kind == string(wire.QuestionChoice) {
		ids := make([]string, len(q.Choices))
		for i, c := range q.Choices {
			ids[i] = c.ID
		}
		f.Fields = append(f.Fields, frame.Field{Key: "choices", Value: strings.Join(ids, "|")})
	}
	t.o.Controller.Send(f)
}

// answerFrame handles ANSWER q=<id> a=<value> from the teller system. An
// answer to a question that timed out still counts: a late "yes" must
// still stop the transaction.
func (t *Terminal) answerFrame(now time.Time, f frame.Frame) {
	t.answer(now, f.Value("q"), f.Value("a"), envelope.AnswerByTeller)
}

// answer records value as the answer to question id and runs the rules
// again. A value the question does not take is logged and ignored.
func (t *Terminal) answer(now time.Time, id, value, by string) {
	s := t.sess
	a := s.qs.find(id)
	if a == nil || !a.answered.IsZero() {
		t.log.Info().Str("session", s.id).Str("question", id).Msg("answer to a question not waiting; ignored")
		return
	}
	input, record, ok := t.readAnswer(a.q, value)
	if !ok {
		t.log.Warn().Str("session", s.id).Str("question", id).Msg("answer not valid for the question; ignored")
		return
	}
	a.input, a.record, a.by, a.answered, a.timedOut = input, record, by, now, false
	a.listed = input == wire.AnswerListed
	s.qs.answers[id] = input
	if s.qs.cur == a {
		s.qs.cur = nil
	}
	t.log.Info().Str("session", s.id).Str("question", id).Str("by", by).Msg("question answered")
	t.evaluate(now)
}

// readAnswer checks value against q's kind and returns the rule input and
// the value for the record. "none" (the customer would not say) is taken
// for every kind. A phone number is looked up whole and kept only masked.
func (t *Terminal) readAnswer(q *config.Question, value string) (input, record string, ok bool) {
	v := strings.TrimSpace(value)
	if strings.EqualFold(v, wire.AnswerNone) {
		return wire.AnswerNone, wire.AnswerNone, true
	}
	switch wire.QuestionKind(q.Kind) {
	case wire.QuestionYesNo:
		v = strings.ToLower(v)
		return v, v, v == wire.AnswerYes || v == wire.AnswerNo
	case wire.QuestionChoice:
		return v, v, q.HasChoice(v)
	case wire.QuestionPhone:
		digits, ok := phoneDigits(v)
		if !ok {
			return "", "", false
		}
		input = wire.AnswerUnlisted
		if t.o.Watchlist.HasPhone(digits) {
			input = wire.AnswerListed
		}
		return input, phone.Mask(digits), true
	}
	return "", "", false
}

// phoneDigits reads a phone answer: digits with optional spaces, dashes
// and a leading +, 3 to 20 digits.
func phoneDigits(v string) (string, bool) {
	var b strings.Builder
	for i, c := range v {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case c == ' ' || c == '-' || (c == '+' && i == 0):
		default:
			return "", false
		}
	}
	n := b.Len()
	return b.String(), n >= 3 && n <= 20
}

// questionDeadline is when the waiting question times out; zero if none.
func (s *session) questionDeadline() time.Time {
	if a := s.qs.cur; a != nil {
		return a.at.Add(config.Seconds(a.q.TimeoutS))
	}
	return time.Time{}
}

// questionTimers times out the waiting question: its answer is "none",
// the teller gets the question's timeout advice, and the session moves on
// (the ATM's warning follows, the next counter question is asked).
func (t *Terminal) questionTimers(now time.Time) {
	s := t.sess
	if s == nil || s.qs.cur == nil || now.Before(s.questionDeadline()) {
		return
	}
	a := s.qs.cur
	s.qs.cur = nil
	a.input, a.record, a.timedOut = wire.AnswerNone, wire.AnswerNone, true
	s.qs.answers[a.q.ID] = wire.AnswerNone
	t.log.Info().Str("session", s.id).Str("question", a.q.ID).Msg("question timed out")
	if adv := a.q.TimeoutAdvice; adv != nil && s.channel == string(wire.ChannelCounter) {
		t.sendAdvice(wire.AdviceLevel(adv.Level), adv.Text[s.lang])
	}
	t.evaluate(now)
}

// dropQuestion withdraws the waiting question (the customer cancelled
// the transaction): it stays on the record as unanswered.
func (s *session) dropQuestion() { s.qs.cur = nil }

// questionKey answers the question on screen with the choice on key; it
// reports whether the key answered.
func (t *Terminal) questionKey(now time.Time, key string, by string) bool {
	a := t.questionShown()
	if a == nil {
		return false
	}
	id := a.q.ChoiceByKey(key)
	if id == "" {
		return false
	}
	t.answer(now, a.q.ID, id, by)
	return true
}

// questionShown is the waiting question when the screen on display asks
// it; nil otherwise, so a key or touch meant for another screen never
// answers.
func (t *Terminal) questionShown() *asked {
	s := t.sess
	if s == nil || s.qs.cur == nil || t.shown.Name != wire.ScreenQuestion || t.shown.SID != s.id ||
		t.shown.Question != s.qs.cur.q.ID {
		return nil
	}
	return s.qs.cur
}

// buildQuestion is the question screen for the waiting question: its text
// as the title, the hint under it, and on the ATM one large button per
// choice, each naming its key. The counter's customer display shows the
// question only; the teller answers.
func buildQuestion(p *config.Policy, lang string, s *session, now time.Time) screen.Screen {
	sc := screen.Screen{Name: wire.ScreenQuestion, Lang: lang, Tone: screen.ToneWarn,
		Pictogram: screen.PictogramQuestion, Decided: now, Lines: []string{},
		Footer: p.Screens[lang].TransferWarning.Footer}
	if s == nil || s.qs.cur == nil {
		return sc
	}
	q := s.qs.cur.q
	sc.Question, sc.Title = q.ID, q.Text[lang]
	if h := q.Hint[lang]; h != "" {
		sc.Lines = append(sc.Lines, h)
	}
	if s.channel == string(wire.ChannelATM) {
		for _, c := range q.Choices {
			sc.Choices = append(sc.Choices, screen.Choice{ID: c.ID, Label: c.Label[lang], Key: c.Key})
		}
	}
	return sc
}

// answersRecord lists the questions of a session for its record.
func (s *session) answersRecord() []envelope.Answer {
	var out []envelope.Answer
	for _, a := range s.qs.list {
		r := envelope.Answer{Q: a.q.ID, Kind: a.q.Kind, A: a.record, By: a.by, Asked: envelope.Time(a.at),
			Unanswered: a.answered.IsZero(), Listed: a.listed}
		if !a.answered.IsZero() {
			at := envelope.Time(a.answered)
			r.Answered = &at
		}
		out = append(out, r)
	}
	return out
}

// adviseLevel tells the teller what to do now the session's level is l.
func (t *Terminal) adviseLevel(l wire.AdviceLevel) {
	s := t.sess
	if s.channel != string(wire.ChannelCounter) {
		return
	}
	t.sendAdvice(l, s.policy.TellerAdvice[string(l)][s.lang])
}

func (t *Terminal) sendAdvice(l wire.AdviceLevel, text string) {
	if text == "" {
		return
	}
	t.o.Controller.Send(frame.New(wire.Advice, "level", string(l), "text", text))
	t.log.Info().Str("session", t.sess.id).Str("level", string(l)).Msg("teller advice")
}

// PreviewQuestion is the question screen of question id as the customer
// sees it on its channel, for tgscreen --preview and the layout tests.
func PreviewQuestion(p *config.Policy, id, lang string, now time.Time) screen.Screen {
	s := newSession("preview", p, now)
	if q := p.Questions[id]; q != nil {
		s.channel = q.Channel
		s.qs.cur = &asked{q: q, at: now}
	}
	return buildQuestion(p, p.Lang(lang), s, now)
}

// previewQuestion is the first enabled question's screen (the purpose
// question when shipped); a policy without questions gives an empty one.
func previewQuestion(p *config.Policy, lang string, now time.Time) screen.Screen {
	for _, q := range p.OrderedQuestions() {
		return PreviewQuestion(p, q.ID, lang, now)
	}
	return buildQuestion(p, lang, nil, now)
}

// snapAsked is one asked question in a stored session (persist.go); a
// phone answer is stored masked, as on the record.
type snapAsked struct {
	Q        string    `json:"q"`
	Input    string    `json:"input,omitempty"`
	Record   string    `json:"record,omitempty"`
	Listed   bool      `json:"listed,omitempty"`
	By       string    `json:"by,omitempty"`
	Asked    time.Time `json:"asked"`
	Answered time.Time `json:"answered,omitzero"`
	TimedOut bool      `json:"timed_out,omitempty"`
}

func (qs *questions) snapshot() []snapAsked {
	var out []snapAsked
	for _, a := range qs.list {
		out = append(out, snapAsked{Q: a.q.ID, Input: a.input, Record: a.record, Listed: a.listed, By: a.by,
			Asked: a.at, Answered: a.answered, TimedOut: a.timedOut})
	}
	return out
}

// restore rebuilds the questions of a stored session under policy p; a
// question p no longer has is dropped (its answer with it).
func (qs *questions) restore(sn snapshot, p *config.Policy) {
	for _, x := range sn.Questions {
		q := p.Questions[x.Q]
		if q == nil {
			continue
		}
		a := &asked{q: q, at: x.Asked, input: x.Input, record: x.Record, listed: x.Listed, by: x.By,
			answered: x.Answered, timedOut: x.TimedOut}
		qs.list = append(qs.list, a)
		if x.Input != "" {
			qs.answers[x.Q] = x.Input
		}
		if m := sn.More; m != nil && m.QuestionCur == x.Q {
			qs.cur = a
		}
	}
	if sn.More != nil {
		qs.settled = sn.More.QSettled
	}
}
