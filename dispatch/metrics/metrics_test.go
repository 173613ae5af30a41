package metrics

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/dispatch/feed"
	"github.com/transferguard/transferguard/dispatch/incident"
)

var t0 = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

type fakeStore struct{ incidents map[string]incident.Incident }

func (f fakeStore) Open(context.Context) ([]incident.Incident, error) {
	var out []incident.Incident
	for _, i := range f.incidents {
		if i.State != "resolved" {
			out = append(out, i)
		}
	}
	return out, nil
}

func (f fakeStore) Incident(_ context.Context, id string) (incident.Incident, error) {
	i, ok := f.incidents[id]
	if !ok {
		return i, errors.New("no such incident")
	}
	return i, nil
}

type nopHandler struct{ alerts int }

func (h *nopHandler) HandleAlert(context.Context, envelope.Alert) error { h.alerts++; return nil }
func (h *nopHandler) HandleStatus(context.Context, string, string, envelope.Status) error {
	return nil
}
func (h *nopHandler) HandleSession(context.Context, envelope.SessionRecord) error { return nil }
func (h *nopHandler) HandleConfigState(context.Context, string, string, envelope.ConfigState) error {
	return nil
}

func TestDispatchMetrics(t *testing.T) {
	st := fakeStore{map[string]incident.Incident{
		"a": {ID: "a", Kind: "risk", Level: "high", State: "claimed", Created: t0, ClaimedAt: t0.Add(40 * time.Second)},
		"b": {ID: "b", Kind: "risk", Level: "high", State: "open", Created: t0},
		"c": {ID: "c", Kind: "panic", Level: "high", State: "arrived", Created: t0, ArrivedAt: t0.Add(150 * time.Second)},
		"d": {ID: "d", Kind: "tamper", Level: "medium", State: "resolved", Created: t0},
	}}
	d := New(st, func() time.Time { return t0.Add(300 * time.Millisecond) })
	hub := &feed.Hub{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Follow(ctx, hub); close(done) }()
	for hub.Len() == 0 {
		time.Sleep(time.Millisecond)
	}
	hub.Publish(feed.Event{Kind: "incident", ID: "a", Action: incident.ActionClaimed, Level: "high", Site: "S1"})
	hub.Publish(feed.Event{Kind: "incident", ID: "c", Action: incident.ActionArrived, Level: "high", Site: "S1"})
	hub.Publish(feed.Event{Kind: "terminal", Action: "offline", Site: "S1"})
	h := &nopHandler{}
	if err := d.Handler(h).HandleAlert(ctx, envelope.Alert{TS: envelope.Time(t0)}); err != nil || h.alerts != 1 {
		t.Fatalf("wrapped handler: %v, %d alerts handled", err, h.alerts)
	}
	d.Notified("sms", "failed")
	for histCount(t, d, "tgdispatch_time_to_arrive_seconds") == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	for _, c := range []struct {
		name   string
		labels string
		want   float64
	}{
		{"tgdispatch_incidents_open", "kind=panic,level=high,state=arrived", 1},
		{"tgdispatch_incidents_open", "kind=risk,level=high,state=claimed", 1},
		{"tgdispatch_incidents_open", "kind=risk,level=high,state=open", 1},
		{"tgdispatch_incidents_open", "kind=tamper,level=medium,state=resolved", 0},
		{"tgdispatch_notifications_total", "channel=sms,outcome=failed", 1},
		{"tgdispatch_messages_total", "topic=alert", 1},
		{"tgdispatch_incident_steps_total", "action=claimed,level=high", 1},
		{"tgdispatch_incident_steps_total", "action=offline,level=", 0},
	} {
		if got := value(t, d, c.name, c.labels); got != c.want {
			t.Errorf("%s{%s}: got %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	checkHist(t, d, "tgdispatch_time_to_claim_seconds", 40)
	checkHist(t, d, "tgdispatch_time_to_arrive_seconds", 150)
	checkHist(t, d, "tgdispatch_ingest_lag_seconds", 0.3)
}

func histCount(t *testing.T, d *Dispatch, name string) uint64 {
	mfs, err := d.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetHistogram().GetSampleCount()
		}
	}
	return 0
}

func checkHist(t *testing.T, d *Dispatch, name string, sum float64) {
	t.Helper()
	mfs, _ := d.Registry().Gather()
	for _, mf := range mfs {
		if mf.GetName() == name {
			h := mf.GetMetric()[0].GetHistogram()
			if h.GetSampleCount() != 1 || h.GetSampleSum() < sum-0.001 || h.GetSampleSum() > sum+0.001 {
				t.Errorf("%s: got %d samples summing %v, want 1 of %v", name, h.GetSampleCount(), h.GetSampleSum(), sum)
			}
			return
		}
	}
	t.Errorf("%s not gathered", name)
}

// value is the gauge or counter value of the series with labels
// ("k=v,k=v" in name order); 0 when there is no such series.
func value(t *testing.T, d *Dispatch, name, labels string) float64 {
	t.Helper()
	mfs, err := d.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			var ls []string
			for _, lp := range m.GetLabel() {
				ls = append(ls, lp.GetName()+"="+lp.GetValue())
			}
			if strings.Join(ls, ",") != labels {
				continue
			}
			if g := m.GetGauge(); g != nil {
				return g.GetValue()
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}
