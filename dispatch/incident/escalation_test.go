package incident

import (
	"strings"
	"testing"
	"time"
)

func ladder() Ladder {
	return Ladder{
		Rungs:        []Rung{{Name: "lobby guards"}, {Name: "branch manager", After: 2 * time.Minute}, {Name: "police liaison", After: 3 * time.Minute}},
		Renotify:     time.Minute,
		ArriveWithin: 5 * time.Minute,
	}
}

// story runs Advance at each offset and returns the steps as "mm:ss action detail".
func story(l Ladder, i *Incident, offsets []time.Duration, between func(*Incident, time.Time)) []string {
	var got []string
	for _, off := range offsets {
		now := t0.Add(off)
		if between != nil {
			between(i, now)
		}
		for _, s := range l.Advance(i, now) {
			d := s.At.Sub(t0)
			got = append(got, time.Time{}.Add(d).Format("04:05")+" "+s.Action+" "+s.Detail)
		}
	}
	return got
}

func TestLadder(t *testing.T) {
	cases := []struct {
		name    string
		level   string
		offsets []time.Duration
		between func(*Incident, time.Time)
		want    []string
	}{
		{"unclaimed high climbs", LevelHigh, []time.Duration{30 * time.Second, 10 * time.Minute}, nil, []string{
			"01:00 renotified unclaimed: lobby guards",
			"02:00 escalated unclaimed: branch manager",
			"03:00 renotified unclaimed: branch manager",
			"04:00 renotified unclaimed: branch manager",
			"05:00 escalated unclaimed: police liaison",
			"06:00 renotified unclaimed: police liaison",
			"07:00 renotified unclaimed: police liaison",
			"08:00 renotified unclaimed: police liaison",
			"09:00 renotified unclaimed: police liaison",
			"10:00 renotified unclaimed: police liaison",
		}},
		{"unclaimed medium customer alert climbs too", LevelMedium, []time.Duration{30 * time.Second, 3 * time.Minute}, nil, []string{
			"01:00 renotified unclaimed: lobby guards",
			"02:00 escalated unclaimed: branch manager",
			"03:00 renotified unclaimed: branch manager",
		}},
		{"claim stops the climb, no arrival escalates once", LevelHigh, []time.Duration{90 * time.Second, 2 * time.Minute, time.Hour}, func(i *Incident, now time.Time) {
			if i.State == StateNew && now.Sub(t0) >= 2*time.Minute {
				_, _ = i.Claim("g1", 0, t0.Add(90*time.Second))
			}
		}, []string{
			"01:00 renotified unclaimed: lobby guards",
			"06:30 escalated no arrival within 5m0s: branch manager",
		}},
		{"arrival in time ends escalation", LevelHigh, []time.Duration{10 * time.Second, time.Hour}, func(i *Incident, now time.Time) {
			if i.State == StateNew {
				_, _ = i.Claim("g1", 0, now)
				_, _ = i.Arrive("g1", now)
			}
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			i, _ := FromAlert("I1", alert("m1", c.level), t0)
			got := story(ladder(), &i, c.offsets, c.between)
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// A medium health incident (a dead screen, a degraded disk) is raised once
// and waits for a claim: it must not page up the ladder every minute.
func TestMediumHealthDoesNotEscalate(t *testing.T) {
	i, _ := FromHealth("I1", "h1", "S1", "T1", KindUIDown, t0)
	if got := story(ladder(), &i, []time.Duration{time.Hour}, nil); len(got) != 0 {
		t.Fatalf("medium health incident escalated:\n%s", strings.Join(got, "\n"))
	}
}

func TestLadderDue(t *testing.T) {
	l := ladder()
	i, _ := FromAlert("I1", alert("m1", "high"), t0)
	l.Advance(&i, t0)
	if want := t0.Add(time.Minute); !i.Due.Equal(want) {
		t.Fatalf("due %v, want %v", i.Due, want)
	}
	l.Renotify = 0
	l.Advance(&i, t0)
	if want := t0.Add(2 * time.Minute); !i.Due.Equal(want) {
		t.Fatalf("without renotify due %v, want %v", i.Due, want)
	}
	_, _ = i.Resolve("g1", OutcomeFalseAlarm, "", t0)
	l.Advance(&i, t0)
	if !i.Due.IsZero() {
		t.Fatalf("resolved incident due %v", i.Due)
	}
}

func TestLadderValidate(t *testing.T) {
	bad := []Ladder{{}, {Rungs: []Rung{{Name: ""}}}, {Rungs: []Rung{{Name: "a"}, {Name: "b"}}}, {Rungs: []Rung{{Name: "a"}}, Renotify: -1}}
	for n, l := range bad {
		if l.Validate() == nil {
			t.Errorf("ladder %d accepted", n)
		}
	}
	if err := DefaultLadder().Validate(); err != nil {
		t.Fatal(err)
	}
}
