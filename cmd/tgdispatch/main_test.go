package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/transferguard/transferguard/dispatch/auth"
	"github.com/transferguard/transferguard/dispatch/store"
)

func TestExampleConfigValidates(t *testing.T) {
	c, err := loadConfig("testdata/dispatch.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Escalation.Rungs) != 3 || c.Sites["S1"].Terminals["T1"] != "lobby, left ATM" || len(c.Users) != 2 {
		t.Fatalf("config %+v", c)
	}
}

func TestDemoConfigValidates(t *testing.T) {
	c, err := loadConfig("../../configs/dispatch-demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Sites["DEMO"].Terminals["ATM-1"] == "" {
		t.Fatal("demo config does not name the demo terminal")
	}
}

func TestConfigErrorsNameTheField(t *testing.T) {
	cases := map[string]string{
		"escalaton: {}\n":                                       "escalaton",
		"escalation:\n  ladder: []\n":                           "at least one rung",
		"timezone: Mars/Olympus\n":                              "timezone",
		"users:\n  - name: a\n    role: guard\n":                "a guard needs sites",
		"users:\n  - name: a\n    role: king\n    sites: [S]\n": "role",
		"sites:\n  \"S 1\": {name: x}\n":                        "sites.S 1",
	}
	for body, want := range cases {
		p := filepath.Join(t.TempDir(), "c.yaml")
		_ = os.WriteFile(p, []byte(body), 0o600)
		if _, err := loadConfig(p); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want an error naming %q", body, err, want)
		}
	}
}

func TestUseradd(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "d.db")
	var out bytes.Buffer
	if err := useradd([]string{"--db", db, "--name", "ann", "--role", "guard", "--sites", "S1,S2"}, strings.NewReader("long-password\n"), &out); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.User(context.Background(), "ann")
	if err != nil || len(u.Sites) != 2 || strings.Contains(u.Hash, "long-password") {
		t.Fatalf("user %+v %v", u, err)
	}
	if ok, _ := auth.CheckPassword(u.Hash, "long-password"); !ok {
		t.Fatal("stored hash does not check")
	}
	if err := useradd([]string{"--db", db, "--name", "bob", "--role", "guard"}, strings.NewReader("long-password\n"), &out); err == nil {
		t.Fatal("guard without sites accepted")
	}
	if err := useradd([]string{"--db", db, "--name", "bob", "--role", "admin"}, strings.NewReader("short\n"), &out); err == nil {
		t.Fatal("short password accepted")
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"--group", "a/b"}, {"--nope"}, {"extra"}, {"--cert", "c.pem"}, {"--key", "k.pem"}} {
		if _, err := parseServe(args); err == nil {
			t.Errorf("%v accepted", args)
		} else if _, ok := err.(usageError); !ok {
			t.Errorf("%v: %v is not a usage error (exit 2)", args, err)
		}
	}
}
