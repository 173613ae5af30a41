package sim

import (
	"strings"
	"testing"

	"github.com/transferguard/transferguard/agent/frame"
)

// The person playing the teller sees each ASK as a question to put and the
// answer command to type, and each ADVICE as what to do.
func TestTellerNotes(t *testing.T) {
	cases := []struct {
		f    frame.Frame
		want string
	}{
		{frame.New("ASK", "q", "guided_by_phone", "kind", "yesno", "text", "有人在电话里教您吗？"),
			"answer guided_by_phone yes|no"},
		{frame.New("ASK", "q", "caller_number", "kind", "phone", "text", "哪个号码？"), "answer caller_number <digits>|none"},
		{frame.New("ADVICE", "level", "stop", "text", "请暂停办理"), "! ADVICE stop: 请暂停办理"},
		{frame.New("HOLD", "sid", "x"), ""},
	}
	for _, c := range cases {
		got := tellerNote(c.f)
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("tellerNote(%v) = %q, want it to contain %q", c.f.Type, got, c.want)
		}
	}
	if _, err := Expand("answer guided_by_phone"); err == nil {
		t.Error("answer with no value was accepted")
	}
}
