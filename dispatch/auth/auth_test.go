package auth

import (
	"strings"
	"testing"
)

var fast = Params{Memory: 64, Time: 1, Threads: 1}

func TestPassword(t *testing.T) {
	h, err := HashPassword("correct horse", fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") || strings.Contains(h, "correct") {
		t.Fatalf("hash %q", h)
	}
	for pw, want := range map[string]bool{"correct horse": true, "correct hors": false, "": false} {
		if ok, err := CheckPassword(h, pw); ok != want || err != nil {
			t.Errorf("check %q: got %v %v, want %v", pw, ok, err, want)
		}
	}
	h2, _ := HashPassword("correct horse", fast)
	if h2 == h {
		t.Fatal("two hashes of one password are equal: no salt")
	}
}

func TestCheckPasswordRejectsGarbage(t *testing.T) {
	for _, enc := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=0,t=1,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=999999999,t=1,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA", "$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaA"} {
		if ok, err := CheckPassword(enc, "x"); ok || err == nil {
			t.Errorf("%q: got %v %v, want an error", enc, ok, err)
		}
	}
}

func FuzzCheckPassword(f *testing.F) {
	h, _ := HashPassword("pw", fast)
	f.Add(h, "pw")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$$", "")
	f.Fuzz(func(t *testing.T, enc, pw string) {
		if strings.Contains(enc, "m=") && !strings.Contains(enc, "m=64,") {
			return // keep the fuzzer off costly parameters
		}
		_, _ = CheckPassword(enc, pw)
	})
}

func TestPrincipal(t *testing.T) {
	cases := []struct {
		p      Principal
		site   string
		see    bool
		filter string
	}{
		{Principal{Role: RoleGuard, Sites: []string{"S1"}}, "S1", true, "[S1]"},
		{Principal{Role: RoleGuard, Sites: []string{"S1"}}, "S2", false, "[S1]"},
		{Principal{Role: RoleGuard}, "S1", false, "[]"},
		{Principal{Role: RoleSupervisor}, "S9", true, "[]all"},
		{Principal{Role: RoleSupervisor, Sites: []string{"S1"}}, "S2", false, "[S1]"},
		{Principal{Role: RoleAdmin, Sites: []string{"S1"}}, "S2", true, "[]all"},
	}
	for n, c := range cases {
		if got := c.p.CanSee(c.site); got != c.see {
			t.Errorf("%d: CanSee(%s) = %v, want %v", n, c.site, got, c.see)
		}
		f := c.p.SiteFilter()
		got := "[" + strings.Join(f, " ") + "]"
		if f == nil {
			got += "all"
		}
		if got != c.filter {
			t.Errorf("%d: filter %s, want %s", n, got, c.filter)
		}
	}
}

func TestTokens(t *testing.T) {
	a, _ := NewToken()
	b, _ := NewToken()
	if a == b || len(a) < 40 || TokenHash(a) == a || !Equal(a, a) || Equal(a, b) || Equal("", "") {
		t.Fatal("token properties broken")
	}
}
