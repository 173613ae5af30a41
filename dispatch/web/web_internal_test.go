package web

import "testing"

func TestMoney(t *testing.T) {
	for in, want := range map[int64]string{0: "0.00", 5: "0.05", 123456: "1,234.56", 5000000: "50,000.00", 100000000000: "1,000,000,000.00"} {
		if got := money(in); got != want {
			t.Errorf("money(%d) = %s, want %s", in, got, want)
		}
	}
}
