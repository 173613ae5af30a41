package web

import (
	"testing"
	"time"
)

func TestMoney(t *testing.T) {
	for in, want := range map[int64]string{0: "0.00", 5: "0.05", 123456: "1,234.56", 5000000: "50,000.00", 100000000000: "1,000,000,000.00"} {
		if got := money(in); got != want {
			t.Errorf("money(%d) = %s, want %s", in, got, want)
		}
	}
}

func TestLimiter(t *testing.T) {
	var l limiter
	t0 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	for n := 0; n < maxFailures; n++ {
		if l.blocked("a", t0) {
			t.Fatalf("blocked after %d failures", n)
		}
		l.fail("a", t0.Add(time.Duration(n)*time.Second))
	}
	if !l.blocked("a", t0.Add(time.Minute)) || l.blocked("b", t0.Add(time.Minute)) {
		t.Fatal("want a blocked, b not")
	}
	if l.blocked("a", t0.Add(failWindow+time.Minute)) {
		t.Fatal("still blocked after the window")
	}
	l.fail("a", t0)
	l.succeed("a")
	if len(l.fails["a"]) != 0 {
		t.Fatal("success did not clear failures")
	}
}
