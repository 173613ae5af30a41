package service

import (
	"context"
	"slices"

	"github.com/transferguard/transferguard/dispatch/ingest"
	"github.com/transferguard/transferguard/dispatch/store"
)

// HandleBatch stores several messages in one transaction (group commit,
// ingest.BatchHandler): on PostgreSQL every commit waits for a WAL flush,
// and one flush for a batch is what lets a fleet's connect storm and alert
// rate through. Each message is applied exactly as its own Handle… call
// would (de-duplication on the message id first). When one of them fails
// (a store error, a race lost to another instance) or the commit does,
// nothing of the batch is stored and each message is handled again on its
// own, in its own transaction; the result has one error per message.
//
// Messages are applied ordered by what they lock — alerts and session
// records by alert_id, statuses by terminal, each key's messages in
// arrival order — so two instances' batches take row locks in one order
// and cannot deadlock.
func (s *Service) HandleBatch(ctx context.Context, msgs []ingest.Message) []error {
	errs := make([]error, len(msgs))
	for n, m := range msgs {
		errs[n] = validate(m)
	}
	var ch changes
	err := s.st.Tx(ctx, func(q store.Queries) error {
		ch = changes{}
		for _, n := range lockOrder(msgs) {
			if errs[n] != nil {
				continue
			}
			if err := s.apply(ctx, q, msgs[n], &ch); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		s.wakeNotify()
		s.announce(&ch)
		return errs
	}
	if ctx.Err() == nil {
		s.log.Warn().Err(err).Int("messages", len(msgs)).Msg("batch not stored; storing its messages one by one")
	}
	for n, m := range msgs {
		if errs[n] == nil {
			errs[n] = s.handleOne(ctx, m)
		}
	}
	return errs
}

// handleOne hands a message to its own Handle… method.
func (s *Service) handleOne(ctx context.Context, m ingest.Message) error {
	switch {
	case m.Alert != nil:
		return s.HandleAlert(ctx, *m.Alert)
	case m.Session != nil:
		return s.HandleSession(ctx, *m.Session)
	case m.Status != nil:
		return s.HandleStatus(ctx, m.Site, m.Terminal, *m.Status)
	case m.Config != nil:
		return s.HandleConfigState(ctx, m.Site, m.Terminal, *m.Config)
	}
	return nil
}

// apply is the transaction of the message's own Handle… method.
func (s *Service) apply(ctx context.Context, q store.Queries, m ingest.Message, ch *changes) error {
	switch {
	case m.Alert != nil:
		return s.applyAlert(ctx, q, *m.Alert, ch)
	case m.Session != nil:
		return s.applySession(ctx, q, *m.Session, ch)
	case m.Status != nil:
		return s.applyStatus(ctx, q, m.Site, m.Terminal, *m.Status, ch)
	case m.Config != nil:
		return s.applyConfig(ctx, q, m.Site, m.Terminal, *m.Config, ch)
	}
	return nil
}

// validate refuses what the Handle… methods refuse before their transaction.
func validate(m ingest.Message) error {
	switch {
	case m.Alert != nil:
		return validAlert(*m.Alert)
	case m.Session != nil:
		return validSession(*m.Session)
	}
	return nil
}

// lockOrder is the order a batch is applied in: by lock key, stable.
func lockOrder(msgs []ingest.Message) []int {
	order := make([]int, len(msgs))
	keys := make([]string, len(msgs))
	for n, m := range msgs {
		order[n] = n
		switch {
		case m.Alert != nil:
			keys[n] = "a\x00" + m.Alert.AlertID
		case m.Session != nil && m.Session.AlertID != "":
			keys[n] = "a\x00" + m.Session.AlertID
		case m.Session != nil:
			keys[n] = "s\x00" + m.Session.ID
		default:
			keys[n] = "t\x00" + m.Site + "\x00" + m.Terminal
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case keys[a] < keys[b]:
			return -1
		case keys[a] > keys[b]:
			return 1
		}
		return 0
	})
	return order
}
