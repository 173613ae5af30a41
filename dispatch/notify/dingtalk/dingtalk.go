// Package dingtalk posts to a DingTalk (钉钉) custom group robot: POST
// {"msgtype":"markdown","markdown":{"title":…,"text":…}} to the robot's
// webhook URL (https://oapi.dingtalk.com/robot/send?access_token=…). With
// the robot's "加签" (signing) security setting, the URL gains
// &timestamp=<unix ms>&sign=<urlencode(base64(HMAC-SHA256(key=secret,
// msg=timestamp+"\n"+secret)))>, as documented at
// https://open.dingtalk.com/document/robots/customize-robot-security-settings
// (the robot rejects a timestamp more than an hour off). Delivery is a 2xx
// answer with {"errcode":0}.
package dingtalk

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/transferguard/transferguard/dispatch/notify"
)

// Channel posts to one DingTalk robot.
type Channel struct {
	URL    string
	Secret string           // "SEC…" from the robot's settings; "" when signing is off
	Client *http.Client     // nil: notify.DefaultClient
	Now    func() time.Time // nil: time.Now
}

// Body is the robot's markdown message.
type Body struct {
	MsgType  string `json:"msgtype"`
	Markdown struct {
		Title string `json:"title"`
		Text  string `json:"text"`
	} `json:"markdown"`
}

// Render builds the robot message for m.
func Render(m notify.Message) Body {
	var b Body
	b.MsgType = "markdown"
	b.Markdown.Title = m.Title()
	var s strings.Builder
	s.WriteString("### " + m.Title() + "\n\n")
	for _, l := range m.Lines() {
		s.WriteString("- " + l + "\n")
	}
	b.Markdown.Text = s.String()
	return b
}

// Sign is the documented signature of timestamp ts (unix milliseconds, as
// a decimal string), before URL encoding.
func Sign(secret, ts string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Send posts m; nil means a 2xx answer with errcode 0.
func (c *Channel) Send(ctx context.Context, m notify.Message) error {
	body, err := json.Marshal(Render(m))
	if err != nil {
		return fmt.Errorf("dingtalk: encode: %w", err)
	}
	target, err := c.signedURL()
	if err != nil {
		return err
	}
	answer, err := notify.PostJSON(ctx, c.Client, target, nil, body)
	if err == nil {
		err = notify.RobotAnswer(answer)
	}
	if err != nil {
		return fmt.Errorf("dingtalk: %w", err)
	}
	return nil
}

// signedURL appends timestamp and sign when the robot signs.
func (c *Channel) signedURL() (string, error) {
	if c.Secret == "" {
		return c.URL, nil
	}
	u, err := url.Parse(c.URL)
	if err != nil {
		return "", errors.New("dingtalk: bad URL")
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	ts := strconv.FormatInt(now().UnixMilli(), 10)
	q := u.Query()
	q.Set("timestamp", ts)
	q.Set("sign", Sign(c.Secret, ts))
	u.RawQuery = q.Encode()
	return u.String(), nil
}
