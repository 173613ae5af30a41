package sim

import (
	"errors"
	"strings"
	"testing"

	"github.com/transferguard/transferguard/agent/scenario"
)

func TestExpand(t *testing.T) {
	tests := []struct {
		in   string
		want []string // frames as "TYPE k=v ..." or step kinds
	}{
		{"card 67", []string{"START channel=ATM card=6222021234563445 age=67 region=330381 lang=zh"}},
		{"counter 70 en", []string{"START channel=COUNTER card=6222021234563445 age=70 region=330381 lang=en"}},
		{"transfer 5000", []string{"FUNC fn=TRANSFER", "AMOUNT minor=500000 cur=CNY"}},
		{"transfer", []string{"FUNC fn=TRANSFER"}},
		{"withdraw 500.5", []string{"FUNC fn=WITHDRAW", "AMOUNT minor=50050 cur=CNY"}},
		{"payee 6217001234567890123 new", []string{`PAYEE acct=6217001234567890123 name="Test Payee" bank=TEST new=1`}},
		{"payee 6217001234567890123", []string{`PAYEE acct=6217001234567890123 name="Test Payee" bank=TEST new=0`}},
		{"phone on", []string{"SENSOR kind=PHONE_CALL state=ON"}},
		{"phone OFF", []string{"SENSOR kind=PHONE_CALL state=OFF"}},
		{"enter", []string{"KEY key=ENTER"}},
		{"stop", []string{"KEY key=CANCEL"}},
		{"key cancel", []string{"KEY key=CANCEL"}},
		{"key help", []string{"KEY key=F8"}},
		{"key f3", []string{"KEY key=F3"}},
		{"answer guided_by_phone no", []string{"ANSWER q=guided_by_phone a=no"}},
		{"answer caller_number 13800138000", []string{"ANSWER q=caller_number a=13800138000"}},
		{"key Enter", []string{"KEY key=ENTER"}},
		{"confirm", []string{"CONFIRM"}},
		{"cancel", []string{"CANCEL"}},
		{"done", []string{"DONE result=OK"}},
		{"done fail", []string{"DONE result=FAIL"}},
		{"end", []string{"END"}},
		{"panic", []string{"PANIC"}},
		{"silence 16s", []string{"silence 16s"}},
		{"wait 2s", []string{"wait 2s"}},
		{`START age=67 channel=ATM`, []string{"START age=67 channel=ATM"}},
		{"", nil},
	}
	for _, tt := range tests {
		steps, err := Expand(tt.in)
		if err != nil {
			t.Errorf("Expand(%q): %v", tt.in, err)
			continue
		}
		var got []string
		for _, st := range steps {
			got = append(got, render(st))
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Expand(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func render(st scenario.Step) string {
	if st.Kind == scenario.Wait || st.Kind == scenario.Silence {
		return st.Kind + " " + st.Delay.String()
	}
	out := string(st.Frame.Type)
	for _, kv := range st.Frame.Fields {
		v := kv.Value
		if strings.Contains(v, " ") {
			v = `"` + v + `"`
		}
		out += " " + kv.Key + "=" + v
	}
	return out
}

func TestExpandRefusesNonsense(t *testing.T) {
	for _, in := range []string{"card", "card old", "transfer lots", "amount 1.234", "phone maybe", "payee", "wait soon", "START x", "key", "key f9", "key escape"} {
		if _, err := Expand(in); err == nil {
			t.Errorf("Expand(%q) succeeded, want an error", in)
		}
	}
	if _, err := Expand("quit"); !errors.Is(err, ErrQuit) {
		t.Errorf("Expand(quit) = %v, want ErrQuit", err)
	}
}
