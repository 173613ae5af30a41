package rules

import (
	"slices"
	"testing"
)

// A condition names the variables it reads, so a replay can skip it when
// none changed; when it cannot tell, it says so.
func TestVars(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []string // nil: cannot tell
	}{
		{`fn == "TRANSFER" && age >= 60 && amount_minor >= 500000`, []string{"age", "amount_minor", "fn"}},
		{`sensors["PHONE_CALL"] || answers.purpose == "investment"`, []string{"answers", "sensors"}},
		{`card_24h.transfers >= 2 && card_24h.min_minor > 0`, []string{"card_24h"}},
		{`all(["a", "b"], # != region)`, []string{"region"}},
		{`true`, []string{}},
		{`let a = age; a >= 60`, nil},
		{`$env.age >= 60`, nil},
		{`now().Hour() > hour`, nil},
	} {
		p, err := Compile(tc.src)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := p.Vars()
		slices.Sort(got)
		if tc.want == nil {
			if ok {
				t.Errorf("%s: Vars = %v, want cannot tell", tc.src, got)
			}
			continue
		}
		if !ok || !slices.Equal(got, tc.want) && len(got)+len(tc.want) > 0 {
			t.Errorf("%s: Vars = %v, %v; want %v", tc.src, got, ok, tc.want)
		}
	}
}
