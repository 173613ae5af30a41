package terminal

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/agent/wire"
)

// atmPurpose starts an ATM transfer that the shipped purpose question is
// asked for (15,000 CNY to a new payee).
func atmPurpose(t *testing.T) *harness {
	h := newHarness(t)
	h.line("START age=45 lang=en")
	h.line("FUNC fn=TRANSFER")
	h.line("KEY key=F3") // before the question: answers nothing
	h.line("PAYEE acct=6217001234567890123 new=1")
	h.line("AMOUNT minor=1500000")
	if sc := h.term.Screen(); sc.Name != wire.ScreenQuestion || sc.Question != "purpose" || len(sc.Choices) != 6 {
		t.Fatalf("screen %s q=%q with %d choices, want the purpose question with 6", sc.Name, sc.Question, len(sc.Choices))
	}
	return h
}

func TestPurposeAnsweredOnlyByItsKeys(t *testing.T) {
	h := atmPurpose(t)
	h.line("KEY key=F7")
	h.line("KEY key=ENTER")
	if got := h.term.Screen().Name; got != wire.ScreenQuestion {
		t.Fatalf("F7 or ENTER answered the purpose question: screen %s", got)
	}
	for _, c := range h.term.Screen().Choices {
		if !strings.Contains(c.Label, c.Key) {
			t.Errorf("choice %s label %q does not name its key %s", c.ID, c.Label, c.Key)
		}
	}
	h.line("KEY key=F3")
	if got := h.term.Screen().Name; got != wire.ScreenHighRisk {
		t.Errorf("investment answer: screen %s, want high_risk", got)
	}
	if got := h.term.Screen().Lines[0]; !strings.Contains(got, "insider") {
		t.Errorf("high-risk screen speaks %q, want the investment advice", got)
	}
}

func TestTouchOutsideNeverAnswers(t *testing.T) {
	h := atmPurpose(t)
	h.term.HandleInput(screen.FromDisplay{Type: screen.MsgInput, Source: screen.SourceTouch, Seq: h.term.Screen().Seq})
	h.term.HandleInput(screen.FromDisplay{Type: screen.MsgInput, Source: screen.SourceTouch, Choice: "continue", Seq: h.term.Screen().Seq})
	if got := h.term.Screen().Name; got != wire.ScreenQuestion {
		t.Fatalf("a touch outside the choices answered: screen %s", got)
	}
	h.term.HandleInput(screen.FromDisplay{Type: screen.MsgInput, Source: screen.SourceTouch, Choice: "family", Seq: h.term.Screen().Seq})
	if got := h.term.Screen().Name; got != wire.ScreenTransferWarning {
		t.Errorf("family by touch: screen %s, want the transfer warning", got)
	}
}

func TestCancelWithdrawsTheQuestion(t *testing.T) {
	h := atmPurpose(t)
	h.line("CANCEL")
	if got := h.term.Screen().Name; got == wire.ScreenQuestion {
		t.Fatal("the question stayed after the customer cancelled")
	}
	h.line("END")
	rec := lastRecord(t, h)
	if len(rec.Answers) != 1 || !rec.Answers[0].Unanswered || rec.Answers[0].A != "" {
		t.Errorf("record answers %+v, want purpose unanswered", rec.Answers)
	}
}

// counterLarge opens a counter transfer the shipped questions are asked for.
func counterLarge(t *testing.T) *harness {
	h := newHarness(t)
	h.line("START channel=COUNTER age=45 lang=zh")
	h.line("FUNC fn=TRANSFER")
	h.line("AMOUNT minor=8000000")
	if asks := h.rec.Frames("ASK"); len(asks) != 1 || asks[0].Fields["q"] != "caller_claims_authority" {
		t.Fatalf("ASK frames %v, want caller_claims_authority first", asks)
	}
	return h
}

// An answer that comes after the question timed out still counts: a late
// "yes" must still stop the transaction.
func TestLateCounterAnswerStillCounts(t *testing.T) {
	h := counterLarge(t)
	h.advance(121*time.Second, false)
	if got := h.rec.Frames("ADVICE"); len(got) != 1 || got[0].Fields["level"] != "caution" {
		t.Fatalf("after the timeout ADVICE %v, want one caution", got)
	}
	h.line("ANSWER q=caller_claims_authority a=yes")
	if len(h.rec.Frames("HOLD")) == 0 || h.term.sess.level != wire.LevelHigh {
		t.Errorf("late yes: level %q, holds %v; want high and a HOLD", h.term.sess.level, h.rec.Frames("HOLD"))
	}
}

func TestPhoneAnswerValidatedAndMasked(t *testing.T) {
	h := counterLarge(t)
	h.line("ANSWER q=caller_claims_authority a=no")
	h.line("ANSWER q=guided_by_phone a=maybe") // not yes or no: ignored
	if h.term.sess.qs.cur == nil || h.term.sess.qs.cur.q.ID != "guided_by_phone" {
		t.Fatal("an invalid yes/no answer was taken")
	}
	h.line("ANSWER q=guided_by_phone a=no")
	h.line("ANSWER q=knows_payee a=yes")
	h.line("ANSWER q=caller_number a=call-me") // not digits: ignored
	h.line(`ANSWER q=caller_number a="+86 138-0013-8000"`)
	h.line("END")
	rec := lastRecord(t, h)
	if got := rec.Answers[3].A; got != "138****8000" {
		t.Errorf("phone on the record %q, want 138****8000", got)
	}
	for _, m := range h.rec.Events() {
		if b, _ := json.Marshal(m); strings.Contains(string(b), "8613800138000") || strings.Contains(string(b), "13800138000") {
			t.Fatalf("the whole phone number left the core: %s", b)
		}
	}
}

// lastRecord is the last session record the core published.
func lastRecord(t *testing.T, h *harness) envelope.SessionRecord {
	t.Helper()
	var rec envelope.SessionRecord
	found := false
	for _, e := range h.rec.Events() {
		if e.Out == "mqtt" && e.Topic == string(wire.TopicSession) {
			if err := json.Unmarshal(e.Payload, &rec); err != nil {
				t.Fatal(err)
			}
			found = true
		}
	}
	if !found {
		t.Fatal("no session record published")
	}
	return rec
}

// Questions survive an agent restart: an answer given is not asked again,
// the waiting question is still waiting, and both are on the record.
func TestQuestionsSurviveRestart(t *testing.T) {
	h := counterLarge(t)
	h.line("ANSWER q=caller_claims_authority a=no")
	h.restart(scenarioRestart(2*time.Second, ""))
	h.line("HB up=1")
	if asks := h.rec.Frames("ASK"); len(asks) != 2 {
		t.Fatalf("%d ASK frames, want 2 (the answered question is not asked again)", len(asks))
	}
	h.line("ANSWER q=guided_by_phone a=yes")
	if h.term.sess == nil || h.term.sess.level != wire.LevelHigh {
		t.Fatal("an answer to the question waiting before the restart did not count")
	}
	h.line("END")
	if rec := lastRecord(t, h); len(rec.Answers) < 2 || rec.Answers[0].A != "no" || rec.Answers[1].A != "yes" {
		t.Errorf("record answers %+v, want caller_claims_authority=no, guided_by_phone=yes", rec.Answers)
	}
}
