package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// fleetOptions are the flags of `tgsim fleet` (docs/scaling.md).
type fleetOptions struct {
	n, first, perSite   int
	broker, prefix, dir string
	ledger              string
	rate                float64
	burst               int
	burstEvery          time.Duration
	duration, report    time.Duration
	connectRate         float64
	keepAlive           time.Duration
}

func parseFleet(args []string) (fleetOptions, error) {
	var o fleetOptions
	fs := flag.NewFlagSet("tgsim fleet", flag.ContinueOnError)
	fs.IntVar(&o.n, "n", 100, "terminals in this process, each with its own MQTT connection and outbox")
	fs.IntVar(&o.first, "first", 0, "number of the first terminal (to split a fleet over processes)")
	fs.IntVar(&o.perSite, "per-site", 10, "terminals per site")
	fs.StringVar(&o.broker, "broker", "tcp://127.0.0.1:1883", "MQTT broker URL")
	fs.StringVar(&o.prefix, "prefix", "FLEET", "site ids are <prefix>-S<nnnn>, terminals T<nnnnn>")
	fs.StringVar(&o.dir, "dir", "", "outbox directory (required; reuse it after a kill to replay)")
	fs.StringVar(&o.ledger, "ledger", "", "append `A <alert_id>` and `S <record id>` for every alert queued (default <dir>/ledger)")
	fs.Float64Var(&o.rate, "rate", 5, "alerts per second raised by this process, on random terminals")
	fs.IntVar(&o.burst, "burst", 0, "extra alerts raised at once every --burst-every")
	fs.DurationVar(&o.burstEvery, "burst-every", 30*time.Second, "period of the bursts")
	fs.DurationVar(&o.duration, "duration", time.Minute, "how long to raise alerts")
	fs.DurationVar(&o.report, "report", 10*time.Second, "print counts this often")
	fs.Float64Var(&o.connectRate, "connect-rate", 200, "connections opened per second at start")
	fs.DurationVar(&o.keepAlive, "keepalive", 30*time.Second, "MQTT keepalive (tgagent's default)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.n < 1 || o.dir == "" || o.perSite < 1 || o.rate < 0 || o.connectRate <= 0 {
		return o, fmt.Errorf("fleet: need -n ≥ 1, --dir, --per-site ≥ 1, --rate ≥ 0, --connect-rate > 0")
	}
	if o.ledger == "" {
		o.ledger = o.dir + "/ledger"
	}
	return o, nil
}

// fleetMain runs `tgsim fleet`: N terminals connect, alerts are raised at
// --rate with bursts for --duration, then the process waits until every
// outbox is empty (everything PUBACKed) or it is interrupted.
func fleetMain(args []string) int {
	o, err := parseFleet(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tgsim:", err)
		return 2
	}
	if err := os.MkdirAll(o.dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "tgsim:", err)
		return 1
	}
	led, err := openLedger(o.ledger)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tgsim:", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var wg sync.WaitGroup
	var dispatches atomic.Int64
	terms, err := connectFleet(ctx, &wg, o, &dispatches)
	if err == nil {
		err = raiseAlerts(ctx, o, terms, led, &dispatches)
	}
	stop()
	wg.Wait()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tgsim: fleet:", err)
		return 1
	}
	return 0
}

// connectFleet starts the terminals at --connect-rate.
func connectFleet(ctx context.Context, wg *sync.WaitGroup, o fleetOptions, dispatches *atomic.Int64) ([]*fleetTerminal, error) {
	tick := time.NewTicker(time.Duration(float64(time.Second) / o.connectRate))
	defer tick.Stop()
	terms := make([]*fleetTerminal, 0, o.n)
	for i := o.first; i < o.first+o.n; i++ {
		site := fmt.Sprintf("%s-S%04d", o.prefix, i/o.perSite)
		t, err := startTerminal(ctx, wg, o.dir, o.broker, site, fmt.Sprintf("T%05d", i), o.keepAlive, dispatches)
		if err != nil {
			return terms, err
		}
		terms = append(terms, t)
		select {
		case <-ctx.Done():
			return terms, ctx.Err()
		case <-tick.C:
		}
	}
	fmt.Fprintf(os.Stderr, "tgsim: fleet: %d terminals started (%d..%d)\n", len(terms), o.first, o.first+o.n-1)
	return terms, nil
}

// raiseAlerts raises alerts on random terminals at the rate, with bursts,
// reports counts, and after --duration waits for the outboxes to drain.
func raiseAlerts(ctx context.Context, o fleetOptions, terms []*fleetTerminal, led *ledger, dispatches *atomic.Int64) error {
	var every <-chan time.Time
	if o.rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / o.rate))
		defer t.Stop()
		every = t.C
	}
	burst := time.NewTicker(o.burstEvery)
	report := time.NewTicker(o.report)
	defer burst.Stop()
	defer report.Stop()
	end := time.After(o.duration)
	raised := 0
	one := func() error {
		aid, rid, err := terms[rand.IntN(len(terms))].raise(time.Now())
		if err == nil {
			err = led.add(aid, rid)
		}
		raised++
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-every:
			if err := one(); err != nil {
				return err
			}
		case <-burst.C:
			for range o.burst {
				if err := one(); err != nil {
					return err
				}
			}
		case <-report.C:
			fmt.Fprintf(os.Stderr, "tgsim: fleet: raised %d queued %d dispatch %d\n", raised, depth(terms), dispatches.Load())
		case <-end:
			fmt.Fprintf(os.Stderr, "tgsim: fleet: raised %d; draining %d\n", raised, depth(terms))
			return drain(ctx, terms)
		}
	}
}

func depth(terms []*fleetTerminal) int {
	n := 0
	for _, t := range terms {
		n += t.ob.Depth()
	}
	return n
}

// drain waits until every outbox is empty, then returns.
func drain(ctx context.Context, terms []*fleetTerminal) error {
	for depth(terms) > 0 {
		select {
		case <-ctx.Done():
			return fmt.Errorf("interrupted with %d messages queued", depth(terms))
		case <-time.After(200 * time.Millisecond):
		}
	}
	fmt.Fprintln(os.Stderr, "tgsim: fleet: every outbox drained")
	return nil
}
