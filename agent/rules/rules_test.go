package rules

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestCompileAndMatch(t *testing.T) {
	tests := []struct {
		src  string
		env  Env
		want bool
	}{
		{`fn == "TRANSFER" && phone_call`, Env{Fn: "TRANSFER", PhoneCall: true}, true},
		{`fn == "TRANSFER" && phone_call`, Env{Fn: "WITHDRAW", PhoneCall: true}, false},
		{`age >= 60 && amount >= 5000`, Env{Age: 67, Amount: 5000}, true},
		{`age >= 60 && amount >= 5000`, Env{Age: -1, Amount: 9000}, false},
		{`sensors["PHONE_CALL"]`, Env{Sensors: map[string]bool{"PHONE_CALL": true}}, true},
		{`sensors["PHONE_CALL"]`, Env{}, false},
		{`region in ["330381", "330382"]`, Env{Region: "330381"}, true},
	}
	for _, tt := range tests {
		p, err := Compile(tt.src)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tt.src, err)
		}
		env := tt.env
		got, err := p.Match(&env)
		if err != nil || got != tt.want {
			t.Errorf("%q over %+v = %v, %v; want %v", tt.src, tt.env, got, err, tt.want)
		}
	}
}

func TestCompileRejects(t *testing.T) {
	for _, src := range []string{"", "age >", "agee > 1", "age + 1", `fn == 3`, `"a" + 1 > 0`, strings.Repeat("age > 1 && ", 300) + "true"} {
		if _, err := Compile(src); err == nil {
			t.Errorf("Compile(%q) accepted", src)
		}
	}
}

// docs/rules.md must list every variable a rule can use.
func TestEveryVariableDocumented(t *testing.T) {
	b, err := os.ReadFile("../../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	typ := reflect.TypeOf(Env{})
	for i := 0; i < typ.NumField(); i++ {
		name := typ.Field(i).Tag.Get("expr")
		if !strings.Contains(string(b), "| `"+name+"` |") {
			t.Errorf("docs/rules.md does not document %s", name)
		}
	}
}
