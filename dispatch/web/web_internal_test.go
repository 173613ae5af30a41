package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/transferguard/transferguard/dispatch/report"
)

func TestMoney(t *testing.T) {
	for in, want := range map[int64]string{0: "0.00", 5: "0.05", 123456: "1,234.56", 5000000: "50,000.00", 100000000000: "1,000,000,000.00"} {
		if got := money(in); got != want {
			t.Errorf("money(%d) = %s, want %s", in, got, want)
		}
	}
}

func TestHealthz(t *testing.T) {
	var health error
	s, err := New(Options{Health: func() error { return health }})
	if err != nil {
		t.Fatal(err)
	}
	get := func() (int, string) {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/healthz", nil))
		return w.Code, w.Body.String()
	}
	if code, body := get(); code != http.StatusOK || body != "ok\n" {
		t.Fatalf("healthy: %d %q, want 200 ok", code, body)
	}
	health = errors.New("broker tcp://b:1883 unreachable for 31s")
	if code, body := get(); code != http.StatusServiceUnavailable || !strings.Contains(body, "unreachable for 31s") {
		t.Fatalf("broker down: %d %q, want 503 naming the cause", code, body)
	}
}

// TestDynamicKeysDefined: the keys built at run time (CSV columns, chart
// buckets) exist in every language.
func TestDynamicKeysDefined(t *testing.T) {
	for lang, table := range messages {
		for _, c := range report.CSVColumns {
			if _, ok := table["csv."+c]; !ok {
				t.Errorf("%s lacks csv.%s", lang, c)
			}
		}
		for n := range len(claimBuckets) + 1 {
			for _, k := range []string{fmt.Sprintf("bucket.%d", n), fmt.Sprintf("bucket_short.%d", n)} {
				if _, ok := table[k]; !ok {
					t.Errorf("%s lacks %s", lang, k)
				}
			}
		}
	}
}
