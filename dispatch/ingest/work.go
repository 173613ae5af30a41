package ingest

import (
	"context"
	"errors"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/internal/ctxtime"
)

// BatchHandler is a Handler that also takes several messages at once and
// commits them in one store transaction (group commit): on PostgreSQL
// each commit waits for a WAL flush, so one commit for many messages is
// what lets a fleet's connect storm and alert rate through. The result
// has one error per message, in order; a message with an error was not
// stored and is handed over again on its own.
type BatchHandler interface {
	Handler
	HandleBatch(ctx context.Context, msgs []Message) []error
}

// ErrRejected marks a handler error as the message's own fault (it fails
// validation): it is dropped and acknowledged, never retried. Any other
// error is taken as the store's and the message is retried.
var ErrRejected = errors.New("ingest: message rejected")

// DefaultBatch is how many queued messages a worker takes into one
// transaction when Config.Batch is 0.
const DefaultBatch = 64

// lanes: alerts and session records (urgent) are taken before statuses
// and configuration state (bulk), so a flood of retained or offline
// statuses never queues in front of an alert.
type lanes struct {
	urgent, bulk chan mqtt.Message
}

func newLanes() lanes {
	return lanes{urgent: make(chan mqtt.Message, queue), bulk: make(chan mqtt.Message, queue)}
}

// lane is where a message of topic waits.
func (l lanes) lane(topic string) chan mqtt.Message {
	if _, _, s, ok := wire.SplitTerminalTopic(topic); ok && (s == wire.TopicAlert || s == wire.TopicSession) {
		return l.urgent
	}
	return l.bulk
}

// Queued is how many received messages wait for a worker: alerts and
// session records, and statuses and configuration state.
func (cl *Client) Queued() (urgent, bulk int) { return len(cl.lanes.urgent), len(cl.lanes.bulk) }

// next blocks for the next batch: what is queued in the urgent lane, else
// in the bulk lane (unless urgentOnly). A batch is at most Batch messages
// and leaves a share of what is queued to the other idle workers: the
// broker lets only a few messages per connection be in flight
// (unacknowledged; mosquitto's max_inflight_messages, 20 by default), so
// one worker taking them all would leave the others idle while it commits.
// nil when ctx ends.
func (cl *Client) next(ctx context.Context, urgentOnly bool) []mqtt.Message {
	cl.idle.Add(1)
	defer cl.idle.Add(-1)
	if b := drain(nil, cl.lanes.urgent, cl.share(cl.lanes.urgent)); len(b) > 0 {
		return b
	}
	bulk := cl.lanes.bulk
	if urgentOnly {
		bulk = nil // a nil channel is never ready
	} else if b := drain(nil, bulk, cl.share(bulk)); len(b) > 0 {
		return b
	}
	select {
	case <-ctx.Done():
		return nil
	case m := <-cl.lanes.urgent:
		return drain([]mqtt.Message{m}, cl.lanes.urgent, min(cl.cfg.Batch, cl.share(cl.lanes.urgent)+1))
	case m := <-bulk:
		// an alert may have arrived meanwhile: it goes in its own batch next
		return drain([]mqtt.Message{m}, bulk, min(cl.cfg.Batch, cl.share(bulk)+1))
	}
}

// share is how many of lane's queued messages one idle worker takes.
func (cl *Client) share(lane chan mqtt.Message) int {
	idle := max(int(cl.idle.Load()), 1)
	return min(cl.cfg.Batch, max(1, (len(lane)+idle-1)/idle))
}

// drain appends what ch holds now to b, up to n messages, without waiting.
func drain(b []mqtt.Message, ch chan mqtt.Message, n int) []mqtt.Message {
	for len(b) < n {
		select {
		case m := <-ch:
			b = append(b, m)
		default:
			return b
		}
	}
	return b
}

// worker handles batches until ctx ends. Worker 0 of several takes only
// alerts and session records, so one is always free for them.
func (cl *Client) worker(ctx context.Context, urgentOnly bool) {
	for {
		b := cl.next(ctx, urgentOnly)
		if b == nil {
			return
		}
		cl.handleBatch(ctx, b)
	}
}

// handleBatch decodes a batch, hands it over in one piece when the
// handler can take it, and settles every message: acknowledged once it is
// stored (or rejected), retried when the store failed.
func (cl *Client) handleBatch(ctx context.Context, raw []mqtt.Message) {
	keep, msgs := raw[:0:0], make([]Message, 0, len(raw))
	for _, m := range raw {
		if len(m.Payload()) == 0 {
			m.Ack() // a cleared retained message
			continue
		}
		d, err := Parse(m.Topic(), m.Payload())
		if err != nil {
			cl.log.Warn().Err(err).Str("topic", m.Topic()).Msg("message dropped")
			m.Ack()
			continue
		}
		keep, msgs = append(keep, m), append(msgs, d)
	}
	errs := make([]error, len(msgs))
	if bh, ok := cl.h.(BatchHandler); ok && len(msgs) > 1 {
		copy(errs, bh.HandleBatch(ctx, msgs))
	} else {
		for n := range msgs {
			errs[n] = cl.handle(ctx, msgs[n])
		}
	}
	for n, m := range keep {
		cl.settle(ctx, m, msgs[n], errs[n])
	}
}

// Retry backoff for a message the store failed: from retryFirst, doubling
// up to retryMax, for as long as the store fails everything (an outage:
// nothing is acknowledged, nothing lost). Once other messages commit
// meanwhile, a message still failing after poisonAfter tries is the
// message's own problem and is dropped, logged.
const (
	retryFirst  = 50 * time.Millisecond
	retryMax    = 5 * time.Second
	poisonAfter = 8
)

// settle acknowledges m once handled; a store failure is retried on its own
// first. When ctx ends first, m stays unacknowledged and the broker
// delivers it again on the next connection.
func (cl *Client) settle(ctx context.Context, m mqtt.Message, d Message, err error) {
	wait, mark := retryFirst, cl.committed.Load()
	for try := 1; err != nil && !errors.Is(err, ErrRejected); try++ {
		if ctx.Err() != nil {
			return
		}
		if try > poisonAfter && cl.committed.Load() != mark {
			break
		}
		cl.log.Warn().Err(err).Str("topic", m.Topic()).Int("try", try).Msg("message not stored; retrying")
		if !ctxtime.Sleep(ctx, wait) {
			return
		}
		wait = min(2*wait, retryMax)
		err = cl.handle(ctx, d)
	}
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		cl.log.Error().Err(err).Str("topic", m.Topic()).Msg("message dropped")
	} else {
		cl.committed.Add(1)
	}
	m.Ack()
}
