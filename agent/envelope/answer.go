package envelope

// Answer is one question put to the customer in a session, on its record
// (CONTRACT §8, §15). A is the answer (yes, no, a choice id, "none" when it
// timed out); a phone number appears only masked (first 3 and last 4
// digits), never whole. Unanswered is true when no answer came: the
// question timed out (A is "none") or the session ended first (A empty).
type Answer struct {
	Q          string `json:"q"`
	Kind       string `json:"kind"`
	A          string `json:"a,omitempty"`
	By         string `json:"by,omitempty"` // key, touch, teller
	Asked      Time   `json:"asked"`
	Answered   *Time  `json:"answered,omitempty"`
	Unanswered bool   `json:"unanswered,omitempty"`
	// Listed: a phone answer was on the watchlist's phones.
	Listed bool `json:"listed,omitempty"`
}

// AnswerByTeller: the teller system sent the answer (ANSWER frame).
const AnswerByTeller = "teller"
