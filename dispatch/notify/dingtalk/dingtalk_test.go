package dingtalk_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/dispatch/notify/dingtalk"
	"github.com/transferguard/transferguard/dispatch/notify/notifytest"
)

// TestDingTalkSigned recomputes the documented signature here: HMAC-SHA256
// keyed by the secret over timestamp+"\n"+secret, base64, in the query.
func TestDingTalkSigned(t *testing.T) {
	const secret = "SECabc123"
	now := time.UnixMilli(1795000000123)
	rcv := notifytest.NewReceiver(t)
	rcv.Check = func(r notifytest.Request) int {
		u, _ := url.Parse(r.URL)
		q := u.Query()
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(q.Get("timestamp") + "\n" + secret))
		if q.Get("access_token") != "tok" || q.Get("timestamp") != "1795000000123" ||
			q.Get("sign") != base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
			return http.StatusForbidden
		}
		return 0
	}
	ch := &dingtalk.Channel{URL: rcv.URL + "/robot/send?access_token=tok", Secret: secret, Now: func() time.Time { return now }}
	if err := ch.Send(context.Background(), notifytest.Sample()); err != nil {
		t.Fatal(err)
	}
	var b struct {
		MsgType  string `json:"msgtype"`
		Markdown struct{ Title, Text string }
	}
	if err := json.Unmarshal(rcv.Requests()[0].Body, &b); err != nil {
		t.Fatal(err)
	}
	if b.MsgType != "markdown" || !strings.Contains(b.Markdown.Title, "raised") || !strings.Contains(b.Markdown.Text, "customer age: 72") {
		t.Errorf("body %+v", b)
	}
}

func TestDingTalkUnsignedAndErrcode(t *testing.T) {
	rcv := notifytest.NewReceiver(t)
	rcv.Answer = `{"errcode":310000,"errmsg":"sign not match"}`
	ch := &dingtalk.Channel{URL: rcv.URL + "/robot/send?access_token=tok"}
	err := ch.Send(context.Background(), notifytest.Sample())
	if err == nil || !strings.Contains(err.Error(), "310000") {
		t.Fatalf("got %v, want errcode 310000 as a failure", err)
	}
	if u := rcv.Requests()[0].URL; strings.Contains(u, "sign=") {
		t.Errorf("unsigned robot got %q", u)
	}
}
