package web

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

var l0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func TestLimiterPairWindow(t *testing.T) {
	l := newLimiter()
	for n := 0; n < maxFailures; n++ {
		if l.blocked("ga", "10.0.0.1", l0) {
			t.Fatalf("blocked after %d failures", n)
		}
		l.fail("ga", "10.0.0.1", l0.Add(time.Duration(n)*time.Second))
	}
	if !l.blocked("ga", "10.0.0.1", l0.Add(time.Minute)) {
		t.Fatal("ga from 10.0.0.1 not blocked after 5 failures")
	}
	if l.blocked("ga", "10.0.0.2", l0.Add(time.Minute)) || l.blocked("gb", "10.0.0.1", l0.Add(time.Minute)) {
		t.Fatal("another address or name blocked: an attacker could lock a guard out")
	}
	if l.blocked("ga", "10.0.0.1", l0.Add(failWindow+time.Minute)) {
		t.Fatal("still blocked after the window")
	}
	l.fail("gb", "10.0.0.3", l0)
	l.succeed("gb", "10.0.0.3")
	if n := l.pairs.count(pairKey("gb", "10.0.0.3"), l0); n != 0 {
		t.Fatalf("success left %d failures", n)
	}
}

// The old limiter dropped its whole map past 10,000 keys: 10,000 failures
// on other names unblocked a throttled one.
func TestThrottledPairSurvivesAFlood(t *testing.T) {
	l := newLimiter()
	now := l0
	for range maxFailures {
		l.fail("guard1", "192.0.2.7", now)
	}
	for n := range 3 * maxTracked {
		now = now.Add(10 * time.Millisecond) // 30,000 failures in 5 minutes, inside the window
		l.fail(fmt.Sprintf("name%d", n), fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255), now)
	}
	if !l.blocked("guard1", "192.0.2.7", now) {
		t.Fatal("throttled pair forgotten after a flood of failures on other names from other addresses")
	}
	if len(l.pairs.m) > maxTracked || len(l.addrs.m) > maxTracked {
		t.Fatalf("tables grew to %d and %d keys, bound %d", len(l.pairs.m), len(l.addrs.m), maxTracked)
	}
	// The flood's own oldest keys went first.
	if l.pairs.count(pairKey("name0", "10.0.0.0"), now) != 0 || l.pairs.count(pairKey(fmt.Sprintf("name%d", 3*maxTracked-1), "10.0.117.47"), now) != 1 {
		t.Fatal("eviction did not drop the oldest open keys first")
	}
}

func TestOneAddressManyNames(t *testing.T) {
	l := newLimiter()
	for n := range maxAddrFailures {
		name := fmt.Sprintf("user%d", n)
		if l.blocked(name, "203.0.113.9", l0) {
			t.Fatalf("address blocked after %d failures", n)
		}
		l.fail(name, "203.0.113.9", l0.Add(time.Duration(n)*time.Second))
	}
	if !l.blocked("someone-new", "203.0.113.9", l0.Add(time.Minute)) {
		t.Fatalf("address not blocked after %d failures on different names", maxAddrFailures)
	}
	if l.blocked("someone-new", "203.0.113.10", l0.Add(time.Minute)) {
		t.Fatal("another address blocked")
	}
	l.succeed("user3", "203.0.113.9")
	if !l.blocked("someone-new", "203.0.113.9", l0.Add(time.Minute)) {
		t.Fatal("one success reset the address's failures")
	}
}

func TestFullTableEvictsOldestThrottledLast(t *testing.T) {
	tb := newFailTable(2, 3)
	tb.fail("a", l0)
	tb.fail("a", l0) // a is full
	tb.fail("b", l0.Add(time.Second))
	tb.fail("c", l0.Add(2*time.Second))
	tb.fail("d", l0.Add(3*time.Second)) // evicts b, the oldest open key
	if tb.count("a", l0.Add(4*time.Second)) != 2 || tb.count("b", l0.Add(4*time.Second)) != 0 {
		t.Fatal("want a kept (throttled), b evicted")
	}
	tb.fail("c", l0.Add(4*time.Second))
	tb.fail("d", l0.Add(5*time.Second)) // now a, c, d are all full
	tb.fail("e", l0.Add(6*time.Second)) // evicts a, the oldest full key
	if tb.count("a", l0.Add(7*time.Second)) != 0 || tb.count("c", l0.Add(7*time.Second)) != 2 {
		t.Fatal("want the oldest full key evicted when all are full")
	}
	tb.fail("f", l0.Add(failWindow+time.Hour)) // everything expired: all dropped, f kept
	if len(tb.m) != 1 {
		t.Fatalf("expired keys kept: %d", len(tb.m))
	}
}

// Through the real handler: one address trying a new name each time is
// refused with 429 and a Retry-After once it has used the address's budget.
func TestLoginThrottlesAnAddressAcrossNames(t *testing.T) {
	f := newFloodRig(t)
	for n := range maxAddrFailures {
		if st, _, err := f.badLoginFrom(n, 7); err != nil || st != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d %v, want 401", n, st, err)
		}
	}
	st, ra, err := f.badLoginFrom(maxAddrFailures, 7)
	if err != nil || st != http.StatusTooManyRequests || ra != "900" {
		t.Fatalf("after %d names from one address: status %d, Retry-After %q (%v), want 429 and 900", maxAddrFailures, st, ra, err)
	}
	if st, _, _ := f.badLoginFrom(maxAddrFailures, 8); st != http.StatusUnauthorized {
		t.Fatalf("another address: status %d, want 401", st)
	}
}
