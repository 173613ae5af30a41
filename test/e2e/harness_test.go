//go:build e2e || load || pg

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/agent/wire"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds cmd/tgdispatch once per run.
func binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tgdispatch-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "tgdispatch")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/transferguard/transferguard/cmd/tgdispatch").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("build tgdispatch: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// dispatchd is a running tgdispatch process.
type dispatchd struct {
	URL string
	DB  string
}

// startDispatch runs tgdispatch against broker with a config holding
// guard1 (site S1, password guard-password) and super (supervisor,
// super-password), and stops it with the test.
func startDispatch(t testing.TB, broker, db string) *dispatchd {
	t.Helper()
	return startDispatchGroup(t, broker, db, "e2e"+strconv.FormatInt(time.Now().UnixNano(), 36))
}

// startDispatchGroup is startDispatch as a member of a shared-subscription
// group (instances of one group split the alerts).
func startDispatchGroup(t testing.TB, broker, db, group string) *dispatchd {
	t.Helper()
	bin := binary(t)
	dir := t.TempDir()
	hash, err := exec.Command("sh", "-c", "echo guard-password | "+bin+" hash").Output()
	if err != nil {
		t.Fatalf("hash: %v", err)
	}
	superHash, err := exec.Command("sh", "-c", "echo super-password | "+bin+" hash").Output()
	if err != nil {
		t.Fatalf("hash: %v", err)
	}
	conf := fmt.Sprintf(`sites:
  S1: {name: Main Street, terminals: {T1: "lobby, left ATM"}}
users:
  - {name: guard1, role: guard, sites: [S1], display_name: 王师傅, password_hash: %q}
  - {name: super, role: supervisor, password_hash: %q}
`, strings.TrimSpace(string(hash)), strings.TrimSpace(string(superHash)))
	confPath := filepath.Join(dir, "dispatch.yaml")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if db == "" {
		db = "sqlite:" + filepath.Join(dir, "d.db")
	}
	addr := freeAddr(t)
	cmd := exec.Command(bin, "--broker", broker, "--db", db, "--listen", addr, "--group", group, "--config", confPath,
		"--client-id", "e2e-"+filepath.Base(dir), "--log-level", "warn")
	logf, _ := os.Create(filepath.Join(dir, "tgdispatch.log"))
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		_ = logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("tgdispatch log:\n%s", b)
		}
	})
	u := "http://" + addr
	deadline := time.Now().Add(15 * time.Second)
	for {
		res, err := http.Get(u + "/healthz")
		if err == nil {
			res.Body.Close()
			break
		}
		select {
		case <-done:
			b, _ := os.ReadFile(logf.Name())
			t.Fatalf("tgdispatch exited at start:\n%s", b)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("tgdispatch did not listen in 15 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // its MQTT subscriptions
	return &dispatchd{URL: u, DB: db}
}

func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// agentClient is a paho client standing in for terminal agents.
func agentClient(t testing.TB, broker, id string) mqtt.Client {
	t.Helper()
	c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(broker).SetClientID(id).SetWriteTimeout(5 * time.Second))
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("agent %s connect: %v", id, tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(50) })
	return c
}

// alertJSON is an alert envelope as an agent publishes it.
func alertJSON(id, alertID, site, terminal, level string) []byte {
	age := 67
	a := envelope.Alert{V: 1, ID: id, Type: "alert", AlertID: alertID, TS: envelope.Time(time.Now()), Site: site, Terminal: terminal,
		Session: "s-" + alertID, Kind: "risk", Level: wire.Level(level), Score: 88, Held: true, Channel: "ATM",
		Reasons:  []envelope.Reason{{Rule: "phone-call-during-transfer", Text: "Customer is on the phone during a transfer"}},
		Customer: &envelope.Customer{Age: &age, Card: "622202******3445"},
		Txn:      &envelope.Txn{Fn: "TRANSFER", AmountMinor: 5000000, Currency: "CNY", Payee: "621700******0123", PayeeNew: true}}
	b, _ := json.Marshal(a)
	return b
}

// subscribeDispatch delivers every dispatch message of a terminal.
func subscribeDispatch(t testing.TB, c mqtt.Client, site, terminal string) <-chan envelope.Dispatch {
	t.Helper()
	ch := make(chan envelope.Dispatch, 64)
	tok := c.Subscribe("tg/v1/"+site+"/"+terminal+"/dispatch", 1, func(_ mqtt.Client, m mqtt.Message) {
		var d envelope.Dispatch
		if json.Unmarshal(m.Payload(), &d) == nil {
			select {
			case ch <- d:
			default:
			}
		}
	})
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe dispatch: %v", tok.Error())
	}
	return ch
}

var _ = context.Background
