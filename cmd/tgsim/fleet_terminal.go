package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oklog/ulid/v2"
	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
	"github.com/transferguard/transferguard/drivers/mqttlink"
	"github.com/transferguard/transferguard/drivers/outbox"
)

// fleetTerminal is one simulated terminal on the MQTT side. It is built
// from tgagent's own parts — a durable outbox (bbolt, fsync per message)
// drained by mqttlink.Link — so it speaks exactly as tgagent does: its
// own client id tg-<site>-<terminal>, retained status with a boot id and
// a Last Will "offline" with the same boot, alerts and session records at
// QoS 1 replayed from the outbox until PUBACKed, and the dispatch and
// signed-document subscriptions. Only the serial side and the core are
// missing: alerts are made up here.
type fleetTerminal struct {
	site, term string
	ob         *outbox.Outbox
	link       *mqttlink.Link
	dispatches *atomic.Int64
}

// startTerminal opens the terminal's outbox under dir (so a killed fleet
// process started again with the same dir replays what was not yet
// acknowledged) and runs its link until ctx ends.
func startTerminal(ctx context.Context, wg *sync.WaitGroup, dir, broker, site, term string, keepAlive time.Duration, dispatches *atomic.Int64) (*fleetTerminal, error) {
	ob, err := outbox.Open(filepath.Join(dir, site+"_"+term+".db"), outbox.Options{}, zerolog.Nop())
	if err != nil {
		return nil, err
	}
	link, err := mqttlink.New(mqttlink.Config{Broker: broker, Site: site, Terminal: term,
		KeepAlive: keepAlive, AgentVersion: "tgsim-fleet"}, ob, zerolog.Nop())
	if err != nil {
		ob.Close()
		return nil, err
	}
	link.SetLink(true) // the serial link of a real agent would be up
	t := &fleetTerminal{site: site, term: term, ob: ob, link: link, dispatches: dispatches}
	wg.Go(func() {
		_ = link.Run(ctx)
		_ = ob.Close()
	})
	wg.Go(func() { t.listen(ctx) })
	return t, nil
}

// listen reads what the console and bank IT send, as the agent's core
// would (a link never blocks on a full channel, but reading keeps it real).
func (t *fleetTerminal) listen(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.link.Dispatch():
			t.dispatches.Add(1)
		case <-t.link.Documents():
		}
	}
}

// raise queues one high alert and its session record in the outbox, as
// the core does for a phone call during a transfer; it returns once both
// are on disk. The ids go to the ledger only after that.
func (t *fleetTerminal) raise(now time.Time) (alertID, recordID string, err error) {
	age := 67
	sess := ulid.Make().String()
	a := envelope.Alert{V: 1, ID: ulid.Make().String(), Type: wire.TypeAlert, AlertID: ulid.Make().String(),
		TS: envelope.Time(now), Site: t.site, Terminal: t.term, Session: sess,
		Kind: wire.KindRisk, Level: wire.LevelHigh, Score: 85,
		Reasons:  []envelope.Reason{{Rule: "phone-call-during-transfer", Text: "fleet simulation"}},
		Channel:  string(wire.ChannelATM),
		Customer: &envelope.Customer{Age: &age, Card: "622202******3445", Region: "330381"},
		Txn:      &envelope.Txn{Fn: string(wire.FnTransfer), AmountMinor: 5000000, Currency: "CNY", Payee: "621700******0123", PayeeNew: true},
		Held:     true, State: "open"}
	rec := envelope.SessionRecord{V: 1, ID: ulid.Make().String(), Type: wire.TypeSession, TS: envelope.Time(now),
		Site: t.site, Terminal: t.term, Session: sess, Channel: string(wire.ChannelATM), Lang: "zh",
		Started: envelope.Time(now), Ended: envelope.Time(now), EndReason: "end", State: "cancelled",
		AlertID: a.AlertID, AlertIDs: []string{a.AlertID}, Level: wire.LevelHigh, Choice: "none", Score: 85,
		Screens: []envelope.ScreenShown{}}
	for _, m := range []struct {
		id    string
		topic wire.Suffix
		body  any
	}{{a.ID, wire.TopicAlert, a}, {rec.ID, wire.TopicSession, rec}} {
		b, err := json.Marshal(m.body)
		if err != nil {
			return "", "", err
		}
		if err := t.ob.Publish(envelope.Message{ID: m.id, Topic: m.topic, Payload: b}); err != nil {
			return "", "", fmt.Errorf("%s/%s: %w", t.site, t.term, err)
		}
	}
	return a.AlertID, rec.ID, nil
}

// ledger records what the fleet handed to its outboxes, one line each
// (`A <alert_id>` / `S <record id>`), written straight to the file so a
// kill -9 loses at most the line being written.
type ledger struct {
	mu sync.Mutex
	f  *os.File
}

func openLedger(path string) (*ledger, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	return &ledger{f: f}, nil
}

func (l *ledger) add(alertID, recordID string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, err := fmt.Fprintf(l.f, "A %s\nS %s\n", alertID, recordID)
	return err
}
