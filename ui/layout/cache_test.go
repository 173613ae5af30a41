package layout

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/ui/samples"
)

func TestCacheReusesUnchangedScreens(t *testing.T) {
	s, err := samples.Get(wire.ScreenTransferWarning, "zh")
	if err != nil {
		t.Fatal(err)
	}
	c := NewCache(approx{}, 8)
	ph := PhaseAt(s.CountdownMS)
	first := c.Plan(s, 1280, 720, ph)
	if want := Compute(s, 1280, 720, approx{}, ph); !reflect.DeepEqual(first, want) {
		t.Fatalf("cached plan differs from Compute")
	}

	// The agent re-decides the same screen: new seq, session, time, less
	// countdown left. Nothing drawn changes, so nothing is laid out.
	again := s
	again.Seq, again.SID, again.Decided, again.CountdownMS = s.Seq+1, "other", time.Unix(99, 0), s.CountdownMS-300
	if p := c.Plan(again, 1280, 720, ph); c.Computed != 1 || !reflect.DeepEqual(p, first) {
		t.Errorf("same content again: computed %d layouts, want 1 (plan equal: %v)", c.Computed, reflect.DeepEqual(p, first))
	}

	changed := s
	changed.Lines = append(slices.Clone(s.Lines), "请先挂断电话，再和家人商量。")
	p := c.Plan(changed, 1280, 720, ph)
	if c.Computed != 2 {
		t.Errorf("changed text: computed %d layouts, want 2", c.Computed)
	}
	if want := Compute(changed, 1280, 720, approx{}, ph); !reflect.DeepEqual(p, want) {
		t.Errorf("changed text: stale plan (%d items, want %d)", len(p.Items), len(want.Items))
	}

	c.Plan(s, 800, 600, ph)       // another display size
	c.Plan(s, 1280, 720, Phase{}) // the countdown is over
	if c.Computed != 4 {
		t.Errorf("new size and new phase: computed %d layouts, want 4", c.Computed)
	}
	c.Plan(s, 1280, 720, ph)
	if c.Computed != 4 {
		t.Errorf("first screen again: computed %d layouts, want still 4", c.Computed)
	}
}

// Replacing the protected words changes where lines may break: every
// plan laid out before is stale.
func TestCacheForgetsPlansWhenProtectedWordsChange(t *testing.T) {
	s, err := samples.Get(wire.ScreenHighRisk, "zh")
	if err != nil {
		t.Fatal(err)
	}
	old := Protected
	t.Cleanup(func() { Protected = old })
	c := NewCache(approx{}, 8)
	c.Plan(s, 600, 800, PhaseAt(s.CountdownMS))
	Protected = append(slices.Clone(old), "请不要")
	c.Plan(s, 600, 800, PhaseAt(s.CountdownMS))
	if c.Computed != 2 {
		t.Errorf("after Protected changed: computed %d layouts, want 2", c.Computed)
	}
}

// The cache holds at most n plans; the least recently used goes first.
func TestCacheBounded(t *testing.T) {
	s, err := samples.Get(wire.ScreenStandby, "en")
	if err != nil {
		t.Fatal(err)
	}
	c := NewCache(approx{}, 2)
	c.Plan(s, 1280, 720, Phase{})
	c.Plan(s, 800, 600, Phase{})
	c.Plan(s, 1280, 720, Phase{}) // hit: 800x600 is now the oldest
	c.Plan(s, 600, 800, Phase{})  // evicts 800x600
	c.Plan(s, 1280, 720, Phase{}) // still cached
	if c.Computed != 3 || len(c.entries) != 2 {
		t.Fatalf("computed %d, %d entries; want 3 and 2", c.Computed, len(c.entries))
	}
	c.Plan(s, 800, 600, Phase{})
	if c.Computed != 4 {
		t.Errorf("evicted plan: computed %d, want 4", c.Computed)
	}
}
