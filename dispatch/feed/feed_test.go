package feed

import "testing"

func TestFilterAndCutOff(t *testing.T) {
	var h Hub
	a := h.Subscribe(func(s string) bool { return s == "A" })
	all := h.Subscribe(func(string) bool { return true })
	h.Publish(Event{Site: "B", ID: "1"})
	h.Publish(Event{Site: "A", ID: "2"})
	if e := <-a.C; e.ID != "2" {
		t.Fatalf("site A got %s, want 2", e.ID)
	}
	if e := <-all.C; e.ID != "1" {
		t.Fatalf("all got %s first, want 1", e.ID)
	}
	for n := 0; n < buffer+1; n++ {
		h.Publish(Event{Site: "A"})
	}
	n := 0
	for range a.C {
		n++
	}
	if n != buffer || h.Len() != 0 {
		t.Fatalf("slow subscriber: drained %d, subs %d; want %d, 0", n, h.Len(), buffer)
	}
	a.Close()
	all.Close()
}
