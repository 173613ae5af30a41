// Package feishu posts to a Feishu (飞书) / Lark custom group robot: POST
// {"msg_type":"text","content":{"text":…}} to the robot's webhook URL
// (https://open.feishu.cn/open-apis/bot/v2/hook/…). With signature
// verification on, the body also carries "timestamp" (unix seconds, a
// string) and "sign" = base64(HMAC-SHA256(key=timestamp+"\n"+secret,
// message empty)), as documented at
// https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot (the
// robot rejects a timestamp more than an hour off). Delivery is a 2xx
// answer with {"code":0}.
package feishu

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/transferguard/transferguard/dispatch/notify"
)

// maxText keeps the request under the robot's 20 KB body limit.
const maxText = 16 << 10

// Channel posts to one Feishu robot.
type Channel struct {
	URL    string
	Secret string           // "" when signature verification is off
	Client *http.Client     // nil: notify.DefaultClient
	Now    func() time.Time // nil: time.Now
}

// Body is the robot's text message, signed when Timestamp is set.
type Body struct {
	Timestamp string `json:"timestamp,omitempty"`
	Sign      string `json:"sign,omitempty"`
	MsgType   string `json:"msg_type"`
	Content   struct {
		Text string `json:"text"`
	} `json:"content"`
}

// Sign is the documented signature for timestamp ts (unix seconds).
func Sign(secret, ts string) string {
	mac := hmac.New(sha256.New, []byte(ts+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Send posts m; nil means a 2xx answer with code 0.
func (c *Channel) Send(ctx context.Context, m notify.Message) error {
	var b Body
	b.MsgType = "text"
	b.Content.Text = notify.Clip(m.Text(), maxText)
	if c.Secret != "" {
		now := time.Now
		if c.Now != nil {
			now = c.Now
		}
		b.Timestamp = strconv.FormatInt(now().Unix(), 10)
		b.Sign = Sign(c.Secret, b.Timestamp)
	}
	body, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("feishu: encode: %w", err)
	}
	answer, err := notify.PostJSON(ctx, c.Client, c.URL, nil, body)
	if err == nil {
		err = notify.RobotAnswer(answer)
	}
	if err != nil {
		return fmt.Errorf("feishu: %w", err)
	}
	return nil
}
