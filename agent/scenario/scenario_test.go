package scenario

import (
	"testing"
	"time"
)

func TestParseLine(t *testing.T) {
	st, err := ParseLine(`+2s PAYEE acct=6217001234567890123 name="Li Si, Jr" new=1`)
	if err != nil {
		t.Fatal(err)
	}
	if st.Kind != Send || st.Delay != 2*time.Second || st.Frame.Type != "PAYEE" || st.Frame.Value("name") != "Li Si, Jr" {
		t.Errorf("got %+v", st)
	}
	st, err = ParseLine(`expect HOLD reason=risk_high within 500ms`)
	if err != nil || st.Kind != Expect || st.Within != 500*time.Millisecond || st.Frame.Value("reason") != "risk_high" {
		t.Errorf("expect: %+v %v", st, err)
	}
	st, err = ParseLine(`raw "$TG1,7,START*0000\r\n"`)
	if err != nil || string(st.Raw) != "$TG1,7,START*0000\r\n" {
		t.Errorf("raw: %q %v", st.Raw, err)
	}
	st, err = ParseLine(`+1s touch continue`)
	if err != nil || st.Kind != Touch || st.Choice != "continue" || st.Delay != time.Second {
		t.Errorf("touch: %+v %v", st, err)
	}
	st, err = ParseLine(`touch`)
	if err != nil || st.Kind != Touch || st.Choice != "" {
		t.Errorf("touch outside: %+v %v", st, err)
	}
	st, err = ParseLine(`dispatch claimed guard_name=王师傅 eta_s=120`)
	if err != nil || st.Kind != Dispatch || st.Frame.Value("state") != "claimed" || st.Frame.Value("guard_name") != "王师傅" || st.Frame.Value("eta_s") != "120" {
		t.Errorf("dispatch: %+v %v", st, err)
	}
	for _, bad := range []string{"wait", "wait ten", "+x START", "START age", `raw "unterminated`, "+1s", "expect",
		"touch a b", "dispatch", "dispatch eta_s=1", "dispatch claimed guard"} {
		if _, err := ParseLine(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestParseNamesLine(t *testing.T) {
	_, err := Parse([]byte("# c\nSTART age=1\n\nwait nope\n"))
	if err == nil || err.Error()[:16] != "scenario line 4:" {
		t.Errorf("err = %v, want it to name line 4", err)
	}
}

func FuzzParseLine(f *testing.F) {
	for _, s := range []string{`START age=67 card=6222021234563445`, `raw "\x00$"`, `expect HB within 1s`, `+1s END`, `"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseLine(s)
	})
}
