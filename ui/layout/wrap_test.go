package layout

import (
	"reflect"
	"strings"
	"testing"
)

func TestWrap(t *testing.T) {
	m := approx{}
	for _, c := range []struct {
		name string
		in   string
		maxW float64 // in units of size 10
		want []string
	}{
		{"cjk breaks anywhere", "转账须谨慎防止被诈骗", 40, []string{"转账须谨", "慎防止被", "诈骗"}},
		{"comma never starts a line", "转账须谨，防止被诈骗", 40, []string{"转账须", "谨，防止", "被诈骗"}},
		{"opening quote stays with its word", "转到“安全账户”", 30, []string{"转到", "“安全", "账户”"}},
		{"latin at spaces", "never send money", 50, []string{"never", "send", "money"}},
		{"latin fits", "hang up", 100, []string{"hang up"}},
		{"word longer than a line", "abcdefghij", 30, []string{"abcde", "fghij"}},
		{"mixed", "拨打96110。", 40, []string{"拨打", "96110。"}},
		{"forced break", "a\nb", 100, []string{"a", "b"}},
		{"empty", "", 100, []string{""}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Wrap(m, c.in, 10, c.maxW); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Wrap(%q, %v) = %q, want %q", c.in, c.maxW, got, c.want)
			}
		})
	}
}

func FuzzWrap(f *testing.F) {
	for _, s := range []string{"转账须谨慎，防止被诈骗", "Transfer carefully — beware of fraud", "“安全账户”（96110）", "a  b\n\nc", "\xff\xfe"} {
		f.Add(s, 35.0)
	}
	m := approx{}
	f.Fuzz(func(t *testing.T, s string, maxW float64) {
		if maxW < 1 || maxW > 1e6 || len(s) > 2000 {
			return
		}
		lines := Wrap(m, s, 10, maxW)
		for _, l := range lines {
			if m.Width(l, 10) > maxW && len([]rune(l)) > 1 {
				t.Fatalf("line %q is %.1f wide, max %.1f", l, m.Width(l, 10), maxW)
			}
		}
		if got, want := squash(strings.Join(lines, "")), squash(s); got != want {
			t.Fatalf("text changed: got %q, want %q", got, want)
		}
	})
}

func TestWrapKeepsProtectedWordsWhole(t *testing.T) {
	m := approx{}
	for _, c := range []struct {
		in   string
		maxW float64
		want []string
	}{
		{"请不要转到安全账户", 60, []string{"请不要转到", "安全账户"}},
		{"请不要转到安全账户", 75, []string{"请不要转到", "安全账户"}},
		{"工作人员马上就到", 30, []string{"工作人", "员马上", "就到"}}, // wider than a line: split as a last resort
		{"请拨打96110", 40, []string{"请拨打", "96110"}},
		{"不转了，按【取消】键", 70, []string{"不转了，", "按【取消】键"}}, // after the comma, not before the key
		{"转账须谨慎，防止被诈骗", 50, []string{"转账须谨", "慎，防止被", "诈骗"}},
		{"请停一下：转账前请确认", 80, []string{"请停一下：", "转账前请确认"}}, // at the colon
	} {
		got := Wrap(m, c.in, 10, c.maxW)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Wrap(%q, %v) = %q, want %q", c.in, c.maxW, got, c.want)
		}
	}
}

func TestWrapBalanced(t *testing.T) {
	m := approx{}
	for _, c := range []struct {
		in   string
		maxW float64
		want []string
	}{
		{"工作人员已到您身边", 80, []string{"工作人员已", "到您身边"}},
		{"Staff are on the way", 60, []string{"Staff are", "on the way"}},
		{"短", 80, []string{"短"}},
	} {
		if got := WrapBalanced(m, c.in, 10, c.maxW); !reflect.DeepEqual(got, c.want) {
			t.Errorf("WrapBalanced(%q, %v) = %q, want %q", c.in, c.maxW, got, c.want)
		}
	}
}
