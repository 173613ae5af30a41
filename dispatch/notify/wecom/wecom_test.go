package wecom_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/transferguard/transferguard/dispatch/notify/notifytest"
	"github.com/transferguard/transferguard/dispatch/notify/wecom"
)

func TestWeComMarkdown(t *testing.T) {
	rcv := notifytest.NewReceiver(t)
	ch := &wecom.Channel{URL: rcv.URL + "/cgi-bin/webhook/send?key=abc-123"}
	if err := ch.Send(context.Background(), notifytest.Sample()); err != nil {
		t.Fatal(err)
	}
	r := rcv.Requests()[0]
	if r.URL != "/cgi-bin/webhook/send?key=abc-123" {
		t.Errorf("posted to %q", r.URL)
	}
	var b struct {
		MsgType  string `json:"msgtype"`
		Markdown struct {
			Content string `json:"content"`
		} `json:"markdown"`
	}
	if err := json.Unmarshal(r.Body, &b); err != nil {
		t.Fatal(err)
	}
	c := b.Markdown.Content
	if b.MsgType != "markdown" || !strings.Contains(c, "raised: high risk at DEMO/ATM-1") || !strings.Contains(c, "customer age: 72") ||
		!strings.Contains(c, "amount: 50000.00 CNY") || !strings.Contains(c, `<font color="warning">`) {
		t.Errorf("body %s", r.Body)
	}
	if strings.Contains(c, "622202") {
		t.Error("card number in the message")
	}
}

func TestWeComErrcodeIsFailure(t *testing.T) {
	rcv := notifytest.NewReceiver(t)
	rcv.Answer = `{"errcode":93000,"errmsg":"invalid webhook url"}`
	ch := &wecom.Channel{URL: rcv.URL + "/send?key=k"}
	if err := ch.Send(context.Background(), notifytest.Sample()); err == nil || !strings.Contains(err.Error(), "93000") {
		t.Fatalf("got %v, want errcode 93000 as a failure", err)
	}
}
