package corpus

// profile describes one kind of customer session: who comes, what they do,
// and what a scam victim says when asked. The numbers are modelling
// choices drawn from the public descriptions cited in docs/efficacy.md
// (Ministry of Public Security notices on the high-incidence types, local
// police case reports); they are not measured rates.
type profile struct {
	Name string // file stem: scam-… or ordinary-…
	Scam bool
	// Label is the type's name in the table.
	Label string
	Ages  [2]int // inclusive age range
	// Amounts is the range of one transaction in yuan, drawn log-uniform.
	Amounts [2]float64
	// Counter is the share of sessions at a bank counter (the rest at an ATM).
	Counter float64
	// Withdraw is the share of sessions that withdraw cash instead of
	// transferring; Inquiry the share that only look at the balance.
	Withdraw, Inquiry float64
	// NewPayee is the share of transfers to a payee never paid before.
	NewPayee float64
	// OnCall is the share of sessions with a phone call going on (the
	// scammer keeping the victim on the line, or a chat with family).
	OnCall float64
	// Purposes are the honest answers to the ATM purpose question (one is
	// drawn); Lies what a victim coached to lie answers instead.
	Purposes, Lies []string
	// Authority, Guided and KnowsPayee are the shares of honest "yes" to
	// the counter questions; CallerNumber the share who can name the
	// number that called them.
	Authority, Guided, KnowsPayee, CallerNumber float64
	// Repeat is the share of transfer sessions with a second transfer to
	// another new payee in the same visit (a click-farming "combo order",
	// money split over several "safe accounts").
	Repeat float64
}

// Purpose answers (the shipped question's choice ids).
const (
	pFamily   = "family"
	pBusiness = "business"
	pInvest   = "investment"
	pOnline   = "met_online"
	pAuth     = "authority"
	pService  = "customer_service"
)

var honestLies = []string{pFamily, pBusiness}

// Working-age ordinary profiles stop at 65: customers over 60 are the
// "older customers" profile, so their share of the ordinary sessions is
// set in one place (ordinaryShare).

// profiles lists every type in table order: the seven scam types, then
// ordinary customers.
var profiles = []profile{
	{Name: "scam-police", Scam: true, Label: "冒充公检法 impersonating police", Ages: [2]int{40, 82},
		Amounts: [2]float64{20000, 300000}, Counter: 0.4, NewPayee: 1, OnCall: 0.8,
		Purposes: []string{pAuth}, Lies: honestLies, Authority: 1, Guided: 0.8, KnowsPayee: 0.05, CallerNumber: 0.9, Repeat: 0.3},
	{Name: "scam-refund", Scam: true, Label: "冒充客服退款 fake refund", Ages: [2]int{20, 65},
		Amounts: [2]float64{3000, 50000}, Counter: 0.15, NewPayee: 1, OnCall: 0.6,
		Purposes: []string{pService}, Lies: honestLies, Authority: 0.9, Guided: 0.8, KnowsPayee: 0.05, CallerNumber: 0.8, Repeat: 0.4},
	{Name: "scam-clickfarm", Scam: true, Label: "刷单返利 click-farming", Ages: [2]int{18, 45},
		Amounts: [2]float64{1000, 60000}, Counter: 0.05, NewPayee: 0.95, OnCall: 0.15,
		Purposes: []string{pOnline, pInvest}, Lies: honestLies, Authority: 0.3, Guided: 0.7, KnowsPayee: 0.05, CallerNumber: 0.2, Repeat: 0.5},
	{Name: "scam-investment", Scam: true, Label: "虚假投资理财 fake investment", Ages: [2]int{25, 65},
		Amounts: [2]float64{10000, 500000}, Counter: 0.3, NewPayee: 1, OnCall: 0.15,
		Purposes: []string{pInvest}, Lies: honestLies, Authority: 0.2, Guided: 0.5, KnowsPayee: 0.1, CallerNumber: 0.3, Repeat: 0.2},
	{Name: "scam-boss", Scam: true, Label: "冒充领导熟人 fake boss or friend", Ages: [2]int{22, 60},
		Amounts: [2]float64{5000, 100000}, Counter: 0.2, NewPayee: 1, OnCall: 0.3,
		Purposes: []string{pFamily, pBusiness}, Lies: honestLies, Authority: 0, Guided: 0.6, KnowsPayee: 0.7, CallerNumber: 0.3, Repeat: 0.2},
	{Name: "scam-pension", Scam: true, Label: "养老诈骗 pension and health products", Ages: [2]int{60, 85},
		Amounts: [2]float64{5000, 200000}, Counter: 0.5, Withdraw: 0.25, NewPayee: 1, OnCall: 0.2,
		Purposes: []string{pBusiness, pInvest}, Lies: honestLies, Authority: 0.1, Guided: 0.3, KnowsPayee: 0.4, CallerNumber: 0.3, Repeat: 0.1},
	{Name: "scam-romance", Scam: true, Label: "杀猪盘 romance", Ages: [2]int{25, 60},
		Amounts: [2]float64{20000, 500000}, Counter: 0.25, NewPayee: 1, OnCall: 0.1,
		Purposes: []string{pOnline, pInvest}, Lies: honestLies, Authority: 0.1, Guided: 0.5, KnowsPayee: 0.05, CallerNumber: 0.1, Repeat: 0.2},

	{Name: "ordinary-withdraw", Label: "withdrawals", Ages: [2]int{18, 85},
		Amounts: [2]float64{100, 5000}, Counter: 0.15, Withdraw: 1},
	{Name: "ordinary-inquiry", Label: "inquiries", Ages: [2]int{18, 85}, Amounts: [2]float64{1, 1}, Inquiry: 1},
	{Name: "ordinary-known-payee", Label: "transfers to known payees", Ages: [2]int{20, 65},
		Amounts: [2]float64{100, 30000}, Counter: 0.2, KnowsPayee: 1, Purposes: []string{pFamily, pBusiness}, Repeat: 0.05},
	{Name: "ordinary-new-payee", Label: "transfers to new payees", Ages: [2]int{20, 65},
		Amounts: [2]float64{200, 80000}, Counter: 0.25, NewPayee: 1, KnowsPayee: 1, Purposes: []string{pFamily, pBusiness}, Repeat: 0.03},
	{Name: "ordinary-older", Label: "older customers", Ages: [2]int{60, 88},
		Amounts: [2]float64{200, 10000}, Counter: 0.3, Withdraw: 0.4, NewPayee: 0.15, KnowsPayee: 1, Purposes: []string{pFamily, pBusiness}},
	{Name: "ordinary-phone-family", Label: "on the phone with family", Ages: [2]int{25, 75},
		Amounts: [2]float64{200, 8000}, NewPayee: 0.2, OnCall: 1, KnowsPayee: 1, Purposes: []string{pFamily}},
}

// ordinaryShare is each ordinary type's share of the ordinary sessions.
var ordinaryShare = map[string]float64{
	"ordinary-withdraw": 0.32, "ordinary-inquiry": 0.15, "ordinary-known-payee": 0.2,
	"ordinary-new-payee": 0.1, "ordinary-older": 0.15, "ordinary-phone-family": 0.08,
}
