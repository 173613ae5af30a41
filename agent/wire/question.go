package wire

// QuestionKind is the kind= of an ASK frame and the kind of a configured
// question (CONTRACT §8, §15): what an answer may be.
type QuestionKind string

// Question kinds.
const (
	QuestionYesNo  QuestionKind = "yesno"  // a= yes or no
	QuestionPhone  QuestionKind = "phone"  // a= the digits of a phone number
	QuestionChoice QuestionKind = "choice" // a= one of the question's choice ids
)

// Valid reports whether k is a question kind this agent knows.
func (k QuestionKind) Valid() bool {
	return k == QuestionYesNo || k == QuestionPhone || k == QuestionChoice
}

// Answer values of an ANSWER frame's a= and of the rule input answers.<q>
// besides a choice id. A phone answer is never a rule input as digits:
// rules see AnswerListed or AnswerUnlisted.
const (
	AnswerYes      = "yes"
	AnswerNo       = "no"
	AnswerNone     = "none" // not answered in time, or the customer would not say
	AnswerListed   = "listed"
	AnswerUnlisted = "unlisted"
)

// AdviceLevel is the level= of an ADVICE frame to the teller (CONTRACT §8).
type AdviceLevel string

// Advice levels, from "carry on" to "do not proceed".
const (
	AdviceInfo    AdviceLevel = "info"
	AdviceCaution AdviceLevel = "caution"
	AdviceStop    AdviceLevel = "stop"
)

// Valid reports whether l is an advice level.
func (l AdviceLevel) Valid() bool {
	return l == AdviceInfo || l == AdviceCaution || l == AdviceStop
}

// AdviceFor is the teller advice level that goes with an alert level.
func AdviceFor(l Level) AdviceLevel {
	switch l {
	case LevelHigh:
		return AdviceStop
	case LevelMedium:
		return AdviceCaution
	}
	return AdviceInfo
}
