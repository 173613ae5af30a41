package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

// interrupted returns the context watch runs under: it ends on SIGINT or
// SIGTERM. Tests replace it.
var interrupted = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// watchBuffer is how many messages may wait for printing; more are
// dropped (and counted) rather than blocking paho's goroutine.
const watchBuffer = 4096

// runWatch prints every alert, session record and status change of the
// fleet (or of one site) until interrupted, reconnecting after outages.
func runWatch(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("watch", stderr)
	var bf brokerFlags
	bf.register(fs)
	site := fs.String("site", "", "only this site")
	asJSON := fs.Bool("json", false, "print each message as one JSON line {topic, payload}")
	count := fs.Int("count", 0, "exit after this many messages (0: run until SIGINT)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 || *count < 0 {
		return usagef("no arguments expected; --count >= 0")
	}
	if *site != "" && !envelope.ValidID(*site) {
		return usagef("--site %q: want [A-Za-z0-9_-]{1,64}", *site)
	}
	o, err := bf.options()
	if err != nil {
		return err
	}
	ctx, stop := interrupted()
	defer stop()
	stderr = &lockedWriter{w: stderr} // paho's goroutines report here
	msgs := make(chan mqtt.Message, watchBuffer)
	subs := watchTopics(*site)
	handler := func(_ mqtt.Client, m mqtt.Message) {
		select { // never block paho's goroutine
		case msgs <- m:
		default:
			fmt.Fprintln(stderr, "# message dropped: printing is not keeping up")
		}
	}
	o.SetAutoReconnect(true).SetMaxReconnectInterval(10 * time.Second)
	o.SetConnectionLostHandler(func(_ mqtt.Client, err error) {
		fmt.Fprintf(stderr, "# connection lost: %s; reconnecting\n", oneLine(err.Error()))
	})
	// Subscriptions are made again on every (re)connect: the session is
	// clean. Not in the handler itself: it must not wait on a token.
	var wg sync.WaitGroup
	o.SetOnConnectHandler(func(c mqtt.Client) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			subscribe(c, subs, handler, bf.timeout, stderr)
		}()
	})
	c, err := bf.dial(o)
	if err != nil {
		return err
	}
	err = printMessages(ctx, msgs, *asJSON, *count, stdout)
	c.Disconnect(250)
	wg.Wait() // a subscription still waiting ends with the connection
	return err
}

// lockedWriter serialises writes from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// watchTopics are the subscriptions of watch.
func watchTopics(site string) map[string]byte {
	if site == "" {
		site = wire.Any
	}
	return map[string]byte{
		wire.TerminalTopic(site, wire.Any, wire.TopicAlert):   1,
		wire.TerminalTopic(site, wire.Any, wire.TopicSession): 1,
		wire.TerminalTopic(site, wire.Any, wire.TopicStatus):  1,
	}
}

// subscribe subscribes with a bounded wait and reports a failure.
func subscribe(c mqtt.Client, subs map[string]byte, h mqtt.MessageHandler, timeout time.Duration, stderr io.Writer) {
	tok := c.SubscribeMultiple(subs, h)
	switch {
	case !tok.WaitTimeout(timeout):
		fmt.Fprintf(stderr, "# subscribe: no answer within %s\n", timeout)
	case tok.Error() != nil:
		fmt.Fprintf(stderr, "# subscribe: %s\n", oneLine(tok.Error().Error()))
	}
}

// printMessages prints messages until ctx ends or count are printed.
func printMessages(ctx context.Context, msgs <-chan mqtt.Message, asJSON bool, count int, w io.Writer) error {
	for n := 0; count == 0 || n < count; n++ {
		select {
		case <-ctx.Done():
			return nil
		case m := <-msgs:
			if asJSON {
				fmt.Fprintln(w, jsonLine(m.Topic(), m.Payload()))
			} else {
				fmt.Fprintln(w, describeMessage(m.Topic(), m.Payload()))
			}
		}
	}
	return nil
}

// jsonLine wraps a payload with its topic; a payload that is not JSON is
// given as a string.
func jsonLine(topic string, payload []byte) string {
	p := json.RawMessage(payload)
	if !json.Valid(payload) {
		s, _ := json.Marshal(string(payload))
		p = s
	}
	b, _ := json.Marshal(struct {
		Topic   string          `json:"topic"`
		Payload json.RawMessage `json:"payload"`
	}{topic, p})
	return string(b)
}

// describeMessage renders one message as a readable line:
// time, site/terminal, then what the message says.
func describeMessage(topic string, payload []byte) string {
	site, terminal, suffix, ok := wire.SplitTerminalTopic(topic)
	if !ok {
		return fmt.Sprintf("%s: %d bytes", topic, len(payload))
	}
	where := site + "/" + terminal
	var line string
	var err error
	switch suffix {
	case wire.TopicAlert:
		line, err = describeAlert(where, payload)
	case wire.TopicSession:
		line, err = describeSession(where, payload)
	case wire.TopicStatus:
		line, err = describeStatus(where, payload)
	}
	if err != nil || line == "" {
		return fmt.Sprintf("%s %s %s: unreadable payload (%d bytes)", time.Now().UTC().Format(envelope.TimeLayout), where, suffix, len(payload))
	}
	return line
}

func describeAlert(where string, payload []byte) (string, error) {
	var a envelope.Alert
	if err := json.Unmarshal(payload, &a); err != nil {
		return "", err
	}
	rules := make([]string, 0, len(a.Reasons))
	for _, r := range a.Reasons {
		rules = append(rules, r.Rule)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s %s %s score=%d rules=%s", stamp(a.TS), where, dash(a.Type), dash(a.Kind), dash(a.Level),
		a.Score, dash(strings.Join(rules, ",")))
	if c := a.Customer; c != nil {
		if c.Age != nil {
			fmt.Fprintf(&b, " age=%d", *c.Age)
		}
		if c.Card != "" {
			fmt.Fprintf(&b, " card=%s", mask(c.Card))
		}
	}
	if t := a.Txn; t != nil {
		fmt.Fprintf(&b, " %s %s", dash(t.Fn), money(t.AmountMinor, t.Currency))
		if t.Payee != "" {
			fmt.Fprintf(&b, " payee=%s", mask(t.Payee))
		}
		if t.PayeeListed {
			b.WriteString(" LISTED")
		}
	}
	held := "not-held"
	if a.Held {
		held = "HELD"
	}
	fmt.Fprintf(&b, " %s state=%s alert=%s", held, dash(a.State), dash(a.AlertID))
	return b.String(), nil
}

func describeSession(where string, payload []byte) (string, error) {
	var s envelope.SessionRecord
	if err := json.Unmarshal(payload, &s); err != nil {
		return "", err
	}
	screens := make([]string, 0, len(s.Screens))
	for _, sc := range s.Screens {
		screens = append(screens, fmt.Sprintf("%s(%.1fs,%s)", sc.Name, float64(sc.DurationMS)/1000, dash(sc.Ack)))
	}
	return fmt.Sprintf("%s %s session %s %s score=%d rules=%s state=%s end=%s screens=%s alert=%s",
		stamp(s.TS), where, dash(s.Channel), dash(s.Level), s.Score, dash(strings.Join(s.Rules, ",")),
		dash(s.State), dash(s.EndReason), dash(strings.Join(screens, ",")), dash(s.AlertID)), nil
}

func describeStatus(where string, payload []byte) (string, error) {
	if len(payload) == 0 {
		return fmt.Sprintf("%s %s status cleared", time.Now().UTC().Format(envelope.TimeLayout), where), nil
	}
	var s envelope.Status
	if err := json.Unmarshal(payload, &s); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s %s status %s link=%s ui=%s agent=%s boot=%s", stamp(envelope.Time(s.TS)), where,
		strings.ToUpper(dash(s.State)), dash(s.Link), dash(s.UI), dash(s.Agent), dash(s.Boot)), nil
}

func stamp(t envelope.Time) string {
	if time.Time(t).IsZero() {
		return time.Now().UTC().Format(envelope.TimeLayout)
	}
	return time.Time(t).UTC().Format(envelope.TimeLayout)
}

// money renders minor units as yuan (or the currency's major unit).
func money(minor int64, currency string) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	if currency == "" {
		currency = "CNY"
	}
	return fmt.Sprintf("%s%d.%02d %s", sign, minor/100, minor%100, currency)
}

var digitRun = regexp.MustCompile(`[0-9]{11,}`)

// mask masks any whole number (11 digits or more) first 6 and last 4, in
// case a payload carries one: the console never prints a whole number.
func mask(s string) string {
	return digitRun.ReplaceAllStringFunc(s, func(n string) string {
		return n[:6] + strings.Repeat("*", len(n)-10) + n[len(n)-4:]
	})
}
