// Package notifytest holds what the channel tests share: a sample message
// and an HTTP receiver that records every request it accepts, or refuses
// them while it is "down".
package notifytest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/notify"
)

// Sample is a raised message for the 72-year-old on the phone at DEMO/ATM-1.
func Sample() notify.Message {
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	i := &incident.Incident{ID: "inc1", AlertID: "A1", Site: "DEMO", Terminal: "ATM-1", Kind: incident.KindRisk,
		Level: incident.LevelHigh, State: incident.StateNew, Age: 72, AmountMinor: 5000000, Currency: "CNY", Held: true,
		Card: "622202******3445", Payee: "621700******0123",
		Reasons: []envelope.Reason{{Rule: "phone-call-during-transfer", Text: "on the phone while transferring"}}}
	st := incident.Step{IncidentID: "inc1", At: at, Actor: incident.ActorSystem, Action: incident.ActionRaised}
	return notify.NewMessage("n1", st, "lobby guards", i, "lobby, ATM by the door", "http://127.0.0.1:8080")
}

// Request is one request a Receiver accepted.
type Request struct {
	Header http.Header
	URL    string // path and query
	Body   []byte
}

// Receiver is an httptest server answering Answer (default `{"errcode":0}`)
// with 200, or 503 while Down.
type Receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []Request
	down   bool
	Answer string
	Check  func(Request) int // optional: a status other than 0 refuses the request with it
	Got    chan Request      // each accepted request, if non-nil (buffered by the test)
}

// NewReceiver starts a receiver closed at the end of the test.
func NewReceiver(t testing.TB) *Receiver {
	r := &Receiver{Answer: `{"errcode":0,"errmsg":"ok"}`}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	rq := Request{Header: req.Header.Clone(), URL: req.URL.RequestURI(), Body: body}
	r.mu.Lock()
	down, check, answer := r.down, r.Check, r.Answer
	r.mu.Unlock()
	if down {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	if check != nil {
		if code := check(rq); code != 0 {
			http.Error(w, "refused", code)
			return
		}
	}
	r.mu.Lock()
	r.got = append(r.got, rq)
	r.mu.Unlock()
	if r.Got != nil {
		r.Got <- rq
	}
	_, _ = io.WriteString(w, answer)
}

// SetDown makes the receiver refuse (true) or accept (false).
func (r *Receiver) SetDown(down bool) {
	r.mu.Lock()
	r.down = down
	r.mu.Unlock()
}

// Requests returns what was accepted so far.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.got...)
}
