package corpus

import (
	"fmt"
	"strings"
)

// customer is one drawn session before it is written out.
type customer struct {
	counter  bool
	age      int
	fn       string
	amount   int64 // yuan
	payee    string
	newPayee bool
	onCall   bool
	heard    bool   // the detector hears the call (ATM only)
	purpose  string // what they answer to the purpose question
	lying    bool
	caller   string // the number that called them, "" for none
}

// atmLimit is the most one ATM transfer or withdrawal moves in yuan: a
// card's daily ATM transfer limit is commonly 50,000 CNY, so a larger sum
// is split or taken to a counter.
const atmLimit = 50000

// purposeKeys are the shipped purpose question's keys by answer.
var purposeKeys = map[string]string{pFamily: "F1", pBusiness: "F2", pInvest: "F3", pOnline: "F4", pAuth: "F5", pService: "F6"}

// draw picks one customer of profile p.
func (g *gen) draw(p profile) customer {
	c := customer{age: p.Ages[0] + g.r.IntN(p.Ages[1]-p.Ages[0]+1)}
	c.counter = g.chance(p.Counter)
	switch {
	case g.chance(p.Inquiry):
		c.fn = "INQUIRY"
	case g.chance(p.Withdraw):
		c.fn = "WITHDRAW"
	default:
		c.fn = "TRANSFER"
	}
	lo, hi := p.Amounts[0], p.Amounts[1]
	switch {
	case p.Scam && c.fn == "WITHDRAW":
		c.counter = true // a large sum in cash comes from a counter
	case !p.Scam && c.counter && c.fn == "WITHDRAW":
		lo, hi = 2000, 80000 // a counter is where people take out larger sums
	}
	c.amount = g.amount(lo, hi)
	if !c.counter {
		c.amount = min(c.amount, atmLimit)
	}
	c.newPayee = g.chance(p.NewPayee)
	c.payee = g.digits("62", 19)
	if p.Scam && g.chance(g.o.PayeeListed) {
		g.accounts = append(g.accounts, c.payee)
	}
	c.onCall = g.chance(p.OnCall)
	c.heard = c.onCall && !c.counter && g.chance(g.o.PhoneHeard)
	c.lying = p.Scam && g.chance(g.o.LieShare)
	if len(p.Purposes) > 0 {
		c.purpose = g.pick(p.Purposes)
	}
	if c.lying {
		c.purpose = g.pick(p.Lies)
	}
	if p.Scam && g.chance(p.CallerNumber) {
		c.caller = g.digits("1", 11)
		if g.chance(g.o.CallerListed) {
			g.phones = append(g.phones, c.caller)
		}
	}
	return c
}

// session writes one drawn session of profile p as scenario lines.
func (g *gen) session(b *strings.Builder, p profile) {
	c := g.draw(p)
	w := func(f string, a ...any) { fmt.Fprintf(b, f+"\n", a...) }
	channel := "ATM"
	if c.counter {
		channel = "COUNTER"
	}
	w("START channel=%s card=%s age=%d region=330381 lang=zh", channel, g.digits("622202", 16), c.age)
	if c.heard {
		w("+2s SENSOR kind=PHONE_CALL state=ON")
	}
	w("+3s FUNC fn=%s", c.fn)
	if c.fn == "INQUIRY" {
		w("+8s END")
		return
	}
	if c.fn == "TRANSFER" {
		w("+6s PAYEE acct=%s name=收款人 bank=ABC new=%s", c.payee, bit(c.newPayee))
	}
	w("+5s AMOUNT minor=%d cur=CNY", c.amount*100)
	if c.counter {
		g.counterAnswers(w, p, c)
	} else if c.purpose != "" && c.fn == "TRANSFER" {
		w("+4s KEY key=%s", purposeKeys[c.purpose])
	}
	w("wait 11s")
	w("KEY key=ENTER")
	w("+4s CONFIRM")
	w("+3s DONE result=OK")
	if c.heard {
		w("+1s SENSOR kind=PHONE_CALL state=OFF")
	}
	if c.fn == "TRANSFER" && g.chance(p.Repeat) {
		g.again(w, p, c)
	}
	w("+2s END")
}

// again writes a second transfer in the same visit to another new payee
// (for an ordinary customer, another payee of the same kind).
func (g *gen) again(w func(string, ...any), p profile, c customer) {
	payee := g.digits("62", 19)
	if p.Scam && g.chance(g.o.PayeeListed) {
		g.accounts = append(g.accounts, payee)
	}
	w("+5s FUNC fn=TRANSFER")
	w("+6s PAYEE acct=%s name=收款人 bank=ABC new=%s", payee, bit(c.newPayee))
	amount := g.amount(p.Amounts[0], p.Amounts[1])
	if !c.counter {
		amount = min(amount, atmLimit)
	}
	w("+5s AMOUNT minor=%d cur=CNY", amount*100)
	if !c.counter && c.purpose != "" {
		w("+4s KEY key=%s", purposeKeys[c.purpose])
	}
	w("wait 11s")
	w("KEY key=ENTER")
	w("+4s CONFIRM")
	w("+3s DONE result=OK")
}

// counterAnswers answers the teller's shipped questions in their order;
// an answer to a question the policy did not ask is ignored by the agent,
// so the script need not know which were asked.
func (g *gen) counterAnswers(w func(string, ...any), p profile, c customer) {
	yes := func(share float64) string {
		if !c.lying && g.chance(share) {
			return "yes"
		}
		return "no"
	}
	knows := "yes"
	if p.Scam && !c.lying && !g.chance(p.KnowsPayee) {
		knows = "no"
	}
	caller := c.caller
	if caller == "" || c.lying {
		caller = "none"
	}
	w("+8s ANSWER q=caller_claims_authority a=%s", yes(p.Authority))
	w("+8s ANSWER q=guided_by_phone a=%s", yes(p.Guided))
	w("+8s ANSWER q=knows_payee a=%s", knows)
	w("+8s ANSWER q=caller_number a=%s", caller)
}

func bit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
