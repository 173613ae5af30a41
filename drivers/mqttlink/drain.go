package mqttlink

import (
	"context"
	"fmt"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// flight is one publish waiting for its PUBACK.
type flight struct {
	seq      uint64
	tok      mqtt.Token
	deadline time.Time
}

// drainer sends outbox entries over one connection with up to Window
// publishes in flight, and removes each from the outbox once acknowledged,
// strictly in order: entry n is removed only after entries before it.
type drainer struct {
	l         *Link
	c         *conn
	inflight  []flight
	last      uint64 // highest seq handed to paho
	maybeMore bool   // the outbox may hold entries after last
	backlog   bool   // a backlog exists; log when it is gone
	sent      int    // acknowledged since the backlog was noticed
	since     time.Time
}

// drain runs until the connection fails or ctx ends. Messages still in
// flight then stay in the outbox and are sent again on the next connection.
func (l *Link) drain(ctx context.Context, c *conn) error {
	d := &drainer{l: l, c: c, maybeMore: true}
	d.noteBacklog()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		if err := d.fill(); err != nil {
			return err
		}
		var head <-chan struct{}
		if len(d.inflight) > 0 {
			head = d.inflight[0].tok.Done()
			timer.Reset(d.inflight[0].deadline.Sub(l.now()))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-c.lost:
			return fmt.Errorf("mqttlink: connection lost: %w", err)
		case <-l.ob.Ready():
			d.maybeMore = true
			d.noteBacklog()
		case <-l.poke:
			if err := l.announce(ctx, c, false); err != nil {
				return err
			}
		case <-l.ob.StorageChanged():
			if err := l.announce(ctx, c, false); err != nil {
				return err
			}
		case <-head:
			if err := d.acked(); err != nil {
				return err
			}
		case <-timer.C:
			if len(d.inflight) > 0 && !l.now().Before(d.inflight[0].deadline) {
				return fmt.Errorf("mqttlink: publish seq %d: %w", d.inflight[0].seq, errAckTimeout)
			}
		}
	}
}

// fill hands paho the next entries while the window has room.
func (d *drainer) fill() error {
	room := d.l.cfg.Window - len(d.inflight)
	if !d.maybeMore || room <= 0 {
		return nil
	}
	entries, err := d.l.ob.PendingAfter(d.last, room)
	if err != nil {
		return err
	}
	if len(entries) < room {
		d.maybeMore = false
	}
	for _, e := range entries {
		topic := d.l.topics.Terminal(e.Message.Topic)
		tok := d.c.client.Publish(topic, publishQoS, false, e.Message.Payload)
		d.inflight = append(d.inflight, flight{
			seq: e.Seq, tok: tok, deadline: d.l.now().Add(d.l.cfg.AckTimeout),
		})
		d.last = e.Seq
	}
	return nil
}

// acked removes the acknowledged run at the head of the window in one
// outbox transaction. A failed head stops the connection: the rest is
// replayed from it after reconnecting.
func (d *drainer) acked() error {
	var done []uint64
	for len(d.inflight) > 0 {
		f := d.inflight[0]
		select {
		case <-f.tok.Done():
		default:
			return d.remove(done)
		}
		if err := f.tok.Error(); err != nil {
			if rerr := d.remove(done); rerr != nil {
				return rerr
			}
			return fmt.Errorf("mqttlink: publish seq %d: %w", f.seq, err)
		}
		done = append(done, f.seq)
		d.inflight = d.inflight[1:]
	}
	return d.remove(done)
}

// remove deletes acknowledged entries and logs the end of a backlog.
func (d *drainer) remove(seqs []uint64) error {
	if len(seqs) == 0 {
		return nil
	}
	if err := d.l.ob.Remove(seqs...); err != nil {
		return err
	}
	d.sent += len(seqs)
	if d.backlog && len(d.inflight) == 0 && d.l.ob.Depth() == 0 {
		d.l.log.Info().Int("sent", d.sent).Dur("took", d.l.now().Sub(d.since)).Msg("backlog drained")
		d.backlog = false
	}
	return nil
}

// noteBacklog starts a backlog spell when more than one window is queued,
// so that a steady trickle of single alerts does not log.
func (d *drainer) noteBacklog() {
	if d.backlog || d.l.ob.Depth() <= d.l.cfg.Window {
		return
	}
	d.backlog, d.sent, d.since = true, 0, d.l.now()
	d.l.log.Info().Int("depth", d.l.ob.Depth()).Dur("oldest_age", d.l.ob.OldestAge()).
		Msg("draining backlog")
}
