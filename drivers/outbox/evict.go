package outbox

import (
	"github.com/transferguard/transferguard/agent/wire"
	bolt "go.etcd.io/bbolt"
)

// fullLogEvery limits "outbox full" lines while the queue stays full: the
// first eviction is logged, then one line per this many.
const fullLogEvery = 1000

// makeRoom evicts records until one more fits under MaxMessages and returns
// the topics of what it evicted. It runs inside Publish's write
// transaction with o.mu held, so the counters are current.
//
// Eviction order, oldest first within each class: session audit records
// (an audit summary is worth less than an alert), then any other non-alert
// record, then alerts as a last resort.
func (o *Outbox) makeRoom(b *bolt.Bucket) ([]string, error) {
	var evicted []string
	sessions, others, alerts := o.sessions, o.count-o.sessions-o.alerts, o.alerts
	for n := o.count; n >= o.opts.MaxMessages; n-- {
		var want func(topic string) bool
		switch {
		case sessions > 0:
			want = func(t string) bool { return t == string(wire.TopicSession) }
			sessions--
		case others > 0:
			want = func(t string) bool { return t != string(wire.TopicAlert) }
			others--
		case alerts > 0:
			want = func(string) bool { return true }
			alerts--
		default:
			return evicted, errNoRoom
		}
		topic, err := evictFirst(b, want)
		if err != nil {
			return evicted, err
		}
		evicted = append(evicted, topic)
	}
	return evicted, nil
}

// evictFirst deletes the oldest record whose topic satisfies want; if none
// does (counters out of step with the file), it deletes the oldest record.
func evictFirst(b *bolt.Bucket, want func(string) bool) (string, error) {
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if t := topicOf(v); want(t) {
			return t, c.Delete()
		}
	}
	k, v := c.First()
	if k == nil {
		return "", errNoRoom
	}
	return topicOf(v), c.Delete()
}

// logEvictions reports evictions: the first of a full spell, every
// eviction of an alert, and otherwise one line per fullLogEvery, with
// running counts. A Publish that evicts nothing ends the spell.
func (o *Outbox) logEvictions(evicted []string) {
	if len(evicted) == 0 {
		o.full = false
		return
	}
	alert := false
	for _, t := range evicted {
		alert = alert || t == string(wire.TopicAlert)
	}
	first := !o.full
	o.full = true
	o.sinceLog += len(evicted)
	if !first && !alert && o.sinceLog < fullLogEvery {
		return
	}
	o.sinceLog = 0
	ev := o.log.Error().Int("depth", o.count).Int("max_messages", o.opts.MaxMessages).
		Int("evicted_sessions_total", o.evicted[string(wire.TopicSession)]).
		Int("evicted_alerts_total", o.evicted[string(wire.TopicAlert)]).
		Int("queued_alerts", o.alerts).Int("queued_sessions", o.sessions)
	if alert {
		ev.Msg("outbox full, alert evicted")
		return
	}
	ev.Msg("outbox full, oldest evicted")
}
