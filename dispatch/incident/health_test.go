package incident

import (
	"fmt"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
)

func TestHealthChanges(t *testing.T) {
	on := func(boot, link, ui string) *envelope.Status {
		return &envelope.Status{State: "online", Boot: boot, Link: link, UI: ui}
	}
	off := func(boot string) *envelope.Status { return &envelope.Status{State: "offline", Boot: boot} }
	cases := []struct {
		name      string
		prev, cur *envelope.Status
		want      string
	}{
		{"first sight healthy", nil, on("b1", "up", "up"), "[]"},
		{"first sight offline", nil, off("b1"), "[{offline true}]"},
		{"goes offline", on("b1", "up", "up"), off("b1"), "[{offline true}]"},
		{"stale will of earlier run", on("b2", "up", "up"), off("b1"), "[]"},
		{"back online", off("b1"), on("b2", "up", "up"), "[{offline false}]"},
		{"link down", on("b1", "up", "up"), on("b1", "down", "up"), "[{link_down true}]"},
		{"link up again", on("b1", "down", "up"), on("b1", "up", "up"), "[{link_down false}]"},
		{"ui down, ui off is fine", on("b1", "up", "off"), on("b1", "up", "down"), "[{ui_down true}]"},
		{"offline hides link state", on("b1", "down", "up"), off("b1"), "[{offline true}]"},
		{"online again with link still down", off("b1"), on("b2", "down", "up"), "[{offline false} {link_down true}]"},
	}
	for _, c := range cases {
		if got := fmt.Sprint(HealthChanges(c.prev, *c.cur)); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
}

func TestRecover(t *testing.T) {
	i, _ := FromHealth("I1", "h1", "S1", "T1", KindOffline, t0)
	i.Recover(t0.Add(time.Minute))
	if i.State != StateResolved || i.ResolvedBy != ActorSystem {
		t.Fatalf("unclaimed recover: state %s by %s", i.State, i.ResolvedBy)
	}
	j, _ := FromHealth("I2", "h2", "S1", "T1", KindLinkDown, t0)
	_, _ = j.Claim("g1", 0, t0)
	j.Recover(t0.Add(time.Minute))
	if j.State != StateClaimed {
		t.Fatalf("claimed recover: state %s, want claimed", j.State)
	}
}

func TestFollowMatch(t *testing.T) {
	cur, _ := FromAlert("I2", alert("m2", "medium"), t0)
	cur.Terminal = "T2"
	prior := []Sighting{
		{Key: "ck1", Site: "S1", Terminal: "T2", IncidentID: "I0", Held: true, At: t0.Add(-time.Minute)},   // same terminal
		{Key: "ck1", Site: "S1", Terminal: "T9", IncidentID: "I8", Held: false, At: t0.Add(-time.Minute)},  // not held
		{Key: "ck1", Site: "S1", Terminal: "T7", IncidentID: "I7", Held: true, At: t0.Add(-2 * time.Hour)}, // too old
		{Key: "pk1", Site: "S1", Terminal: "T1", IncidentID: "I1", Held: true, At: t0.Add(-10 * time.Minute)},
	}
	s, ok := FollowMatch(&cur, prior, 30*time.Minute, t0)
	if !ok || s.IncidentID != "I1" {
		t.Fatalf("got %+v %v, want I1", s, ok)
	}
	f, _ := FromFollow("I3", &cur, s, t0)
	if f.Kind != KindFollowUp || f.Level != LevelHigh || f.FollowOf != "I1" || f.Terminal != "T2" || f.AlertID != "follow:A1" {
		t.Fatalf("follow-up %+v", f)
	}
	if _, ok := FollowMatch(&cur, prior[:3], 30*time.Minute, t0); ok {
		t.Fatal("matched a sighting that should not count")
	}
}
