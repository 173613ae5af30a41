package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"path/filepath"
	"slices"
	"testing"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/dispatch/store"
)

// The list of published hashes is exactly the shipped demo and example files'.
func TestPublishedHashesMatchShippedFiles(t *testing.T) {
	seen := 0
	for _, path := range []string{"../../configs/dispatch-demo.yaml", "testdata/dispatch.yaml"} {
		c, err := loadConfig(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range c.Users {
			if publishedHashes[u.Name] != u.PasswordHash {
				t.Errorf("%s: user %s's hash is not in publishedHashes", path, u.Name)
			}
			seen++
		}
	}
	if seen != len(publishedHashes) {
		t.Errorf("publishedHashes has %d entries, the files %d", len(publishedHashes), seen)
	}
}

// warnings runs warnInsecure and returns the messages logged, each with its fields.
func warnings(t *testing.T, f serveFlags, listen string, boot []bootUser, st *store.Store) map[string]map[string]any {
	t.Helper()
	var buf bytes.Buffer
	addr, err := net.ResolveTCPAddr("tcp", listen)
	if err != nil {
		t.Fatal(err)
	}
	warnInsecure(context.Background(), f, addr, boot, st, zerolog.New(&buf))
	got := map[string]map[string]any{}
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if line["level"] != "warn" || line["fix"] == "" || line["fix"] == nil {
			t.Errorf("not a warning with a fix: %s", sc.Text())
		}
		got[line["message"].(string)] = line
	}
	return got
}

func TestStartupWarnings(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	empty, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "e.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	demo, err := loadConfig("../../configs/dispatch-demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := bootstrapUsers(ctx, st, demo.Users, zerolog.Nop()); err != nil {
		t.Fatal(err)
	}
	safe := serveFlags{broker: "ssl://broker.bank.example:8883", brokerUser: "tgdispatch"}
	anon := serveFlags{broker: "tcp://127.0.0.1:1883"}
	plain := serveFlags{broker: "tcp://10.0.0.5:1883", brokerUser: "tgdispatch"}
	cases := []struct {
		name   string
		f      serveFlags
		listen string
		boot   []bootUser
		st     *store.Store
		want   []string
	}{
		{"secure set-up", safe, "127.0.0.1:8080", nil, empty, nil},
		{"console on all interfaces", safe, "0.0.0.0:8080", nil, empty, []string{msgPlainHTTP}},
		{"console on a LAN address", safe, "192.0.2.10:8080", nil, empty, []string{msgPlainHTTP}},
		{"demo config", safe, "127.0.0.1:8080", demo.Users, empty, []string{msgDemoAccounts}},
		{"demo users left in the database", safe, "127.0.0.1:8080", nil, st, []string{msgDemoAccounts}},
		{"anonymous local broker", anon, "[::1]:8080", nil, empty, []string{msgAnonymousBroker}},
		{"plain broker elsewhere", plain, "127.0.0.1:8080", nil, empty, []string{msgPlainBroker}},
		{"the demo as shipped, opened up", serveFlags{broker: "tcp://192.0.2.1:1883"}, ":8080", demo.Users, st,
			[]string{msgPlainHTTP, msgDemoAccounts, msgAnonymousBroker, msgPlainBroker}},
	}
	for _, c := range cases {
		got := warnings(t, c.f, c.listen, c.boot, c.st)
		for _, m := range c.want {
			if got[m] == nil {
				t.Errorf("%s: no warning %q (got %v)", c.name, m, keys(got))
			}
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: warnings %v, want %v", c.name, keys(got), c.want)
		}
		if d := got[msgDemoAccounts]; d != nil {
			if users, _ := d["users"].([]any); len(users) != 2 || users[0] != "guard" || users[1] != "supervisor" {
				t.Errorf("%s: demo users %v, want [guard supervisor]", c.name, d["users"])
			}
		}
	}
}

func keys(m map[string]map[string]any) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	slices.Sort(k)
	return k
}
