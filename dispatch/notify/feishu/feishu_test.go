package feishu_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/dispatch/notify/feishu"
	"github.com/transferguard/transferguard/dispatch/notify/notifytest"
)

type body struct {
	Timestamp string `json:"timestamp"`
	Sign      string `json:"sign"`
	MsgType   string `json:"msg_type"`
	Content   struct {
		Text string `json:"text"`
	} `json:"content"`
}

// TestFeishuSigned recomputes the documented signature here: HMAC-SHA256
// keyed by timestamp+"\n"+secret over an empty message, base64, in the body.
func TestFeishuSigned(t *testing.T) {
	const secret = "feishu-secret"
	rcv := notifytest.NewReceiver(t)
	rcv.Answer = `{"code":0,"msg":"success","data":{}}`
	rcv.Check = func(r notifytest.Request) int {
		var b body
		if json.Unmarshal(r.Body, &b) != nil {
			return http.StatusBadRequest
		}
		mac := hmac.New(sha256.New, []byte(b.Timestamp+"\n"+secret))
		if b.Timestamp != "1795000000" || b.Sign != base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
			return http.StatusForbidden
		}
		return 0
	}
	ch := &feishu.Channel{URL: rcv.URL + "/open-apis/bot/v2/hook/h1", Secret: secret, Now: func() time.Time { return time.Unix(1795000000, 0) }}
	if err := ch.Send(context.Background(), notifytest.Sample()); err != nil {
		t.Fatal(err)
	}
	var b body
	_ = json.Unmarshal(rcv.Requests()[0].Body, &b)
	if b.MsgType != "text" || !strings.Contains(b.Content.Text, "raised: high risk at DEMO/ATM-1 (lobby, ATM by the door)") {
		t.Errorf("body %+v", b)
	}
}

func TestFeishuCodeIsFailure(t *testing.T) {
	rcv := notifytest.NewReceiver(t)
	rcv.Answer = `{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}`
	ch := &feishu.Channel{URL: rcv.URL, Secret: "s"}
	if err := ch.Send(context.Background(), notifytest.Sample()); err == nil || !strings.Contains(err.Error(), "19021") {
		t.Fatalf("got %v, want code 19021 as a failure", err)
	}
	var b map[string]any
	_ = json.Unmarshal(rcv.Requests()[0].Body, &b)
	if _, ok := b["sign"]; !ok {
		t.Error("signed robot got no sign")
	}
}
