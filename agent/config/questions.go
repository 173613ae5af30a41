package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/transferguard/transferguard/agent/rules"
	"github.com/transferguard/transferguard/agent/wire"
)

// Question is one question the agent puts to a customer (CONTRACT §8,
// §15): on the ATM's own screen (channel ATM, answered by a key or a
// touch), or through the teller (channel COUNTER: an ASK frame, answered
// by ANSWER). It is asked once per session, when When first holds; its
// answer becomes the rule input answers.<id>, so how an answer weighs is
// written as rules, like every other signal (docs/rules.md).
type Question struct {
	ID      string            `json:"-"`
	Channel string            `json:"channel"` // ATM or COUNTER
	Kind    string            `json:"kind"`    // yesno, phone, choice
	When    string            `json:"when"`    // a rule expression
	Order   int               `json:"order"`   // questions due together are asked lowest first, then by id
	Enabled *bool             `json:"enabled,omitempty"`
	Text    map[string]string `json:"text"` // the question, per language
	// Hint is a line under the question on the customer's screen: how to
	// answer ("press the key beside your answer").
	Hint map[string]string `json:"hint"`
	// Choices are the answers of a choice question, in screen order.
	Choices []QuestionChoice `json:"choices"`
	// TimeoutS: with no answer this long the answer is "none" and the
	// session moves on (the ATM's warning follows; the counter's next
	// question is asked).
	TimeoutS int `json:"timeout_s"`
	// TimeoutAdvice is sent to the teller when a counter question times
	// out: what to do about a question left unanswered.
	TimeoutAdvice *Advice `json:"timeout_advice,omitempty"`

	prog *rules.Program
}

// QuestionChoice is one answer of a choice question: its id (the answer
// value and the rule input), the terminal key that picks it (F1…F8) and
// its button label per language, which names the key.
type QuestionChoice struct {
	ID    string            `json:"id"`
	Key   string            `json:"key"`
	Label map[string]string `json:"label"`
}

// Advice is one piece of advice to the teller: an ADVICE frame's level
// and its text per language.
type Advice struct {
	Level string            `json:"level"`
	Text  map[string]string `json:"text"`
}

// Program is the compiled condition; nil only on a Question not built.
func (q *Question) Program() *rules.Program { return q.prog }

// On reports whether the question is asked at all.
func (q *Question) On() bool { return q.Enabled == nil || *q.Enabled }

// ChoiceByKey returns the id of the choice on key, "" when none.
func (q *Question) ChoiceByKey(key string) string {
	for _, c := range q.Choices {
		if strings.EqualFold(c.Key, key) {
			return c.ID
		}
	}
	return ""
}

// HasChoice reports whether id is one of the question's choices.
func (q *Question) HasChoice(id string) bool {
	return slices.ContainsFunc(q.Choices, func(c QuestionChoice) bool { return c.ID == id })
}

// OrderedQuestions returns the enabled questions in the order they are
// asked: by Order, then by id.
func (p *Policy) OrderedQuestions() []*Question { return p.orderedQ }

func (p *Policy) validateQuestions() []string {
	var pr []string
	add := func(f string, a ...any) { pr = append(pr, fmt.Sprintf(f, a...)) }
	p.orderedQ = p.orderedQ[:0]
	for _, id := range slices.Sorted(maps.Keys(p.Questions)) {
		q, path := p.Questions[id], "questions."+id
		if q == nil {
			add("%s: empty question", path)
			continue
		}
		q.ID = id
		if !validRuleID(id) {
			add("%s: id must be 1-64 of a-z 0-9 - _", path)
		}
		if q.Channel != string(wire.ChannelATM) && q.Channel != string(wire.ChannelCounter) {
			add("%s.channel: %q is not ATM or COUNTER", path, q.Channel)
		}
		if !wire.QuestionKind(q.Kind).Valid() {
			add("%s.kind: %q is not yesno, phone or choice", path, q.Kind)
		}
		prog, err := rules.Compile(q.When)
		if err != nil {
			add("%s.when: %v", path, err)
		}
		q.prog = prog
		if q.TimeoutS < 1 || q.TimeoutS > 600 {
			add("%s.timeout_s: %d is outside 1..600", path, q.TimeoutS)
		}
		pr = append(pr, p.langTexts(path+".text", q.Text)...)
		if q.Channel == string(wire.ChannelATM) {
			pr = append(pr, p.langTexts(path+".hint", q.Hint)...)
		}
		pr = append(pr, p.validateChoices(path, q)...)
		if a := q.TimeoutAdvice; a != nil {
			pr = append(pr, p.validateAdvice(path+".timeout_advice.level", a.Level)...)
			pr = append(pr, p.langTexts(path+".timeout_advice.text", a.Text)...)
		}
		if q.On() {
			p.orderedQ = append(p.orderedQ, q)
		}
	}
	slices.SortStableFunc(p.orderedQ, func(a, b *Question) int { return a.Order - b.Order })
	for _, lvl := range slices.Sorted(maps.Keys(p.TellerAdvice)) {
		pr = append(pr, p.validateAdvice("teller_advice."+lvl, lvl)...)
		pr = append(pr, p.langTexts("teller_advice."+lvl, p.TellerAdvice[lvl])...)
	}
	return pr
}

// validateChoices checks a choice question's answers: unique ids, and on
// the ATM a distinct key each, since a key is how most customers answer.
func (p *Policy) validateChoices(path string, q *Question) []string {
	var pr []string
	if q.Kind != string(wire.QuestionChoice) {
		if len(q.Choices) > 0 {
			pr = append(pr, fmt.Sprintf("%s.choices: only a choice question has choices", path))
		}
		return pr
	}
	if len(q.Choices) < 2 || len(q.Choices) > 8 {
		pr = append(pr, fmt.Sprintf("%s.choices: want 2 to 8, got %d", path, len(q.Choices)))
	}
	ids, keys := map[string]bool{}, map[string]bool{}
	for i, c := range q.Choices {
		cp := fmt.Sprintf("%s.choices[%d]", path, i)
		switch {
		case !validRuleID(c.ID) || reservedAnswer(c.ID):
			pr = append(pr, fmt.Sprintf("%s.id: %q must be 1-64 of a-z 0-9 - _ and not yes, no, none, listed or unlisted", cp, c.ID))
		case ids[c.ID]:
			pr = append(pr, fmt.Sprintf("%s.id: %q appears twice", cp, c.ID))
		}
		ids[c.ID] = true
		if q.Channel == string(wire.ChannelATM) || c.Key != "" {
			if !ValidHelpKey(c.Key) || c.Key == p.HelpKey || keys[c.Key] {
				pr = append(pr, fmt.Sprintf("%s.key: %q must be one of F1…F8, used once, not the help_key", cp, c.Key))
			}
			keys[c.Key] = true
		}
		pr = append(pr, p.langTexts(cp+".label", c.Label)...)
	}
	return pr
}

func (p *Policy) validateAdvice(path, level string) []string {
	if !wire.AdviceLevel(level).Valid() {
		return []string{fmt.Sprintf("%s: %q is not info, caution or stop", path, level)}
	}
	return nil
}

// langTexts requires a non-empty text in every listed language.
func (p *Policy) langTexts(path string, texts map[string]string) []string {
	var pr []string
	for _, l := range p.Languages {
		if strings.TrimSpace(texts[l]) == "" {
			pr = append(pr, fmt.Sprintf("%s.%s: missing", path, l))
		}
	}
	return pr
}

func reservedAnswer(id string) bool {
	switch id {
	case wire.AnswerYes, wire.AnswerNo, wire.AnswerNone, wire.AnswerListed, wire.AnswerUnlisted:
		return true
	}
	return false
}
