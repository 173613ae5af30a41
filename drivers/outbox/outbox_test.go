package outbox

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	bolt "go.etcd.io/bbolt"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

func open(t testing.TB, path string, opts Options) *Outbox {
	t.Helper()
	o, err := Open(path, opts, zerolog.Nop())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = o.Close() })
	return o
}

func msg(topic string, i int) envelope.Message {
	return envelope.Message{
		ID: fmt.Sprintf("%s-%d", topic, i), Topic: wire.Suffix(topic),
		Payload: []byte(fmt.Sprintf(`{"n":%d}`, i)),
	}
}

func ids(es []Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Message.ID
	}
	return out
}

func TestRestartKeepsOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.db")
	o, err := Open(path, Options{}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := o.Publish(msg("alert", i)); err != nil {
			t.Fatal(err)
		}
	}
	first, _ := o.Pending(1)
	if err := o.Remove(first[0].Seq); err != nil {
		t.Fatal(err)
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}

	o = open(t, path, Options{})
	if got := o.Depth(); got != 4 {
		t.Fatalf("depth after reopen: got %d, want 4", got)
	}
	select {
	case <-o.Ready():
	default:
		t.Fatal("Ready not signalled for a backlog found at Open")
	}
	if err := o.Publish(msg("alert", 5)); err != nil {
		t.Fatal(err)
	}
	got, err := o.Pending(100)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"alert-1", "alert-2", "alert-3", "alert-4", "alert-5"}
	if fmt.Sprint(ids(got)) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", ids(got), want)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Seq <= got[i-1].Seq {
			t.Fatalf("seq not increasing: %d after %d", got[i].Seq, got[i-1].Seq)
		}
	}
	if string(got[4].Message.Payload) != `{"n":5}` {
		t.Fatalf("payload: got %s", got[4].Message.Payload)
	}
}

func TestRemoveAndPendingAfter(t *testing.T) {
	o := open(t, filepath.Join(t.TempDir(), "o.db"), Options{})
	for i := range 4 {
		if err := o.Publish(msg("alert", i)); err != nil {
			t.Fatal(err)
		}
	}
	all, _ := o.Pending(10)
	if err := o.Remove(all[1].Seq); err != nil {
		t.Fatal(err)
	}
	if err := o.Remove(all[1].Seq); err != nil {
		t.Fatalf("second Remove of the same seq: %v", err)
	}
	if got := o.Depth(); got != 3 {
		t.Fatalf("depth: got %d, want 3", got)
	}
	after, _ := o.PendingAfter(all[0].Seq, 10)
	if fmt.Sprint(ids(after)) != "[alert-2 alert-3]" {
		t.Fatalf("PendingAfter: got %v", ids(after))
	}
	two, _ := o.Pending(2)
	if fmt.Sprint(ids(two)) != "[alert-0 alert-2]" {
		t.Fatalf("Pending(2): got %v", ids(two))
	}
}

func TestBoundEvictsSessionsFirst(t *testing.T) {
	o := open(t, filepath.Join(t.TempDir(), "o.db"), Options{MaxMessages: 4})
	seq := []envelope.Message{
		msg("alert", 0), msg("session", 1), msg("alert", 2), msg("session", 3),
		msg("alert", 4), // evicts session-1
		msg("alert", 5), // evicts session-3
		msg("alert", 6), // no session left: evicts alert-0
	}
	for _, m := range seq {
		if err := o.Publish(m); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := o.Pending(10)
	want := "[alert-2 alert-4 alert-5 alert-6]"
	if fmt.Sprint(ids(got)) != want {
		t.Fatalf("got %v, want %v", ids(got), want)
	}
	if o.Depth() != 4 {
		t.Fatalf("depth: got %d, want 4", o.Depth())
	}
}

func TestBoundAppliesAfterReopenWithSmallerLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "o.db")
	o, _ := Open(path, Options{}, zerolog.Nop())
	for i := range 5 {
		_ = o.Publish(msg("session", i))
	}
	_ = o.Close()
	o = open(t, path, Options{MaxMessages: 3})
	if err := o.Publish(msg("alert", 9)); err != nil {
		t.Fatal(err)
	}
	got, _ := o.Pending(10)
	if fmt.Sprint(ids(got)) != "[session-3 session-4 alert-9]" {
		t.Fatalf("got %v", ids(got))
	}
}

func TestPublishRejectsUndeliverable(t *testing.T) {
	o := open(t, filepath.Join(t.TempDir(), "o.db"), Options{MaxPayload: 8})
	for _, m := range []envelope.Message{
		{ID: "", Topic: "alert"},
		{ID: "a", Topic: ""},
		{ID: "a", Topic: "alert/#"},
		{ID: "a", Topic: "/alert"},
		{ID: "a", Topic: "alert", Payload: []byte("123456789")},
	} {
		if err := o.Publish(m); err == nil {
			t.Errorf("Publish(%+v): got nil error", m)
		}
	}
	if o.Depth() != 0 {
		t.Fatalf("depth: got %d, want 0", o.Depth())
	}
}

func TestOldestAge(t *testing.T) {
	now := time.Unix(1000, 0)
	o := open(t, filepath.Join(t.TempDir(), "o.db"), Options{Now: func() time.Time { return now }})
	if o.OldestAge() != 0 {
		t.Fatal("empty outbox has an age")
	}
	_ = o.Publish(msg("alert", 0))
	now = now.Add(90 * time.Second)
	_ = o.Publish(msg("alert", 1))
	if got := o.OldestAge(); got != 90*time.Second {
		t.Fatalf("got %v, want 90s", got)
	}
}

func TestCorruptRecordIsDropped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "o.db")
	o, _ := Open(path, Options{}, zerolog.Nop())
	_ = o.Publish(msg("alert", 0))
	_ = o.Publish(msg("alert", 1))
	_ = o.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketName).Put(key(1), []byte{9, 9})
	})
	_ = o.Close()
	o = open(t, path, Options{})
	got, err := o.Pending(10)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ids(got)) != "[alert-1]" || o.Depth() != 1 {
		t.Fatalf("got %v depth %d, want [alert-1] depth 1", ids(got), o.Depth())
	}
}

func TestConcurrentPublishRemove(t *testing.T) {
	o := open(t, filepath.Join(t.TempDir(), "o.db"), Options{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 25 {
				if err := o.Publish(msg(fmt.Sprintf("alert%d", w), i)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	removed := 0
	wg.Go(func() {
		for removed < 50 {
			es, _ := o.Pending(10)
			for _, e := range es {
				_ = o.Remove(e.Seq)
				removed++
			}
		}
	})
	wg.Wait()
	if got := o.Depth(); got != 100-removed {
		t.Fatalf("depth: got %d, want %d", got, 100-removed)
	}
}

func BenchmarkPublish(b *testing.B) {
	o := open(b, filepath.Join(b.TempDir(), "o.db"), Options{})
	m := envelope.Message{ID: "01J0000000000000000000000", Topic: "alert",
		Payload: make([]byte, 600)}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.ID = fmt.Sprintf("id-%d", i)
		if err := o.Publish(m); err != nil {
			b.Fatal(err)
		}
	}
}
