// Package rules compiles and evaluates the risk rules bank IT writes as
// expressions (github.com/expr-lang/expr). A rule is type-checked against
// Env when its configuration is validated, so a typo rejects the document
// at the bank instead of failing in front of a customer.
//
// # Trust model
//
// Rule text comes only from the shipped defaults, the local configuration
// file or a signed document (agent/remote). Expressions are sandboxed by
// expr: no I/O, no reflection on outside values, a bounded AST size and
// evaluation over a plain struct.
package rules

import (
	"fmt"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// Env is everything a rule can see of a session. Field names are the
// variable names in rule text (expr tags); docs/rules.md lists them.
type Env struct {
	Channel     string  `expr:"channel"`      // ATM or COUNTER
	Fn          string  `expr:"fn"`           // last FUNC: TRANSFER, WITHDRAW, …; "" before one
	Age         int     `expr:"age"`          // years; -1 when the controller did not say
	Region      string  `expr:"region"`       // 6-digit administrative code, "" when unknown
	Lang        string  `expr:"lang"`         // customer language
	AmountMinor int64   `expr:"amount_minor"` // last AMOUNT in minor units; 0 before one
	Amount      float64 `expr:"amount"`       // the same in major units (yuan)
	Currency    string  `expr:"currency"`     // ISO 4217, CNY by default
	PayeeSet    bool    `expr:"payee_set"`    // a PAYEE frame arrived
	PayeeNew    bool    `expr:"payee_new"`    // the customer never paid this payee
	PayeeListed bool    `expr:"payee_listed"` // payee account on the watchlist
	PhoneCall   bool    `expr:"phone_call"`   // phone-call sensor is ON now
	PhoneSeen   bool    `expr:"phone_seen"`   // it was ON at some point in the session
	PhoneListed bool    `expr:"phone_listed"` // a sensor-reported number is on the watchlist
	Confirmed   bool    `expr:"confirmed"`    // customer confirmed on the terminal
	Transfers   int     `expr:"transfers"`    // FUNC TRANSFER count in this session
	Cancels     int     `expr:"cancels"`      // CANCEL count in this session
	Hour        int     `expr:"hour"`         // local hour 0-23 (policy timezone)
	Weekday     int     `expr:"weekday"`      // 0 Sunday … 6 Saturday
	SessionS    float64 `expr:"session_s"`    // seconds since START
	FuncS       float64 `expr:"func_s"`       // seconds since the last FUNC; 0 before one
	// Sensors holds every sensor kind seen, true while ON (e.g. sensors["PHONE_CALL"]).
	Sensors map[string]bool `expr:"sensors"`

	// Patterns across steps and sessions (CONTRACT §9).
	PauseS   float64 `expr:"pause_s"`    // seconds from the last AMOUNT to CONFIRM; 0 before a CONFIRM
	Attempts int     `expr:"attempts"`   // transfers started in this session
	PhoneOnS float64 `expr:"phone_on_s"` // seconds the phone sensor has been ON now; 0 while off
	// Answers holds the customer's answers by question id (answers.purpose,
	// answers.guided_by_phone): yes/no, a choice id, "none" when a question
	// went unanswered; a phone answer is "listed" or "unlisted", never the
	// number. A question not asked is absent ("" in a rule).
	Answers map[string]string `expr:"answers"`
	// Card24h is this card's history at this terminal over the last 24 h,
	// the current session excluded.
	Card24h CardHistory `expr:"card_24h"`
	// SiteRegion is the terminal's own region code (configuration), so a
	// rule can tell a card issued elsewhere (异地): region != site_region.
	SiteRegion string `expr:"site_region"`
}

// CardHistory is what a terminal remembers of one card (by keyed hash)
// over the last 24 hours.
type CardHistory struct {
	Transfers   int   `expr:"transfers"`    // transfer attempts (sessions with FUNC TRANSFER)
	AmountMinor int64 `expr:"amount_minor"` // sum of their amounts in minor units
	// MinMinor and MaxMinor bound the amounts of the attempts that had one
	// (0 when none had), so a rule can say "each of them was between x and
	// y" exactly: min_minor >= x && max_minor < y.
	MinMinor int64 `expr:"min_minor"`
	MaxMinor int64 `expr:"max_minor"`
}

// maxNodes bounds a rule's size so a pushed document cannot ship an
// expression that is costly to evaluate on every frame.
const maxNodes = 500

// Program is one compiled rule condition.
type Program struct {
	src  string
	p    *vm.Program
	vars []string // the Env variables it reads; nil with all set
	all  bool     // it may read anything (vars cannot tell)
}

// Compile type-checks src against Env and requires a boolean result.
func Compile(src string) (*Program, error) {
	if src == "" {
		return nil, fmt.Errorf("empty expression")
	}
	p, err := expr.Compile(src, expr.Env(Env{}), expr.AsBool(), expr.MaxNodes(maxNodes))
	if err != nil {
		return nil, fmt.Errorf("compile %q: %w", src, err)
	}
	vars, ok := reads(p.Node())
	return &Program{src: src, p: p, vars: vars, all: !ok}, nil
}

// String returns the rule's source text.
func (p *Program) String() string { return p.src }

// Match evaluates the condition. A run-time error (there are few after type
// checking) counts as not matching and is returned for the caller to log.
func (p *Program) Match(env *Env) (bool, error) {
	m := machines.Get().(*vm.VM)
	out, err := m.Run(p.p, env)
	machines.Put(m)
	if err != nil {
		return false, fmt.Errorf("rule %q: %w", p.src, err)
	}
	b, _ := out.(bool)
	return b, nil
}

// machines are expr virtual machines reused between evaluations: a VM
// resets itself at each Run, and a new one per Match (what expr.Run
// does) allocates its stack every time.
var machines = sync.Pool{New: func() any { return new(vm.VM) }}
