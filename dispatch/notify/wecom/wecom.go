// Package wecom posts to a WeCom (企业微信) group robot: POST
// {"msgtype":"markdown","markdown":{"content":…}} to the robot's webhook
// URL (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…), as
// documented at https://developer.work.weixin.qq.com/document/path/91770.
// The robot has no signing; its key in the URL is the secret, so the URL
// is never logged. Delivery is a 2xx answer with {"errcode":0}.
package wecom

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/notify"
)

// maxContent is the robot's limit on markdown content (4096 bytes).
const maxContent = 4096

// Channel posts to one WeCom robot.
type Channel struct {
	URL    string
	Client *http.Client // nil: notify.DefaultClient
}

// Body is the robot's markdown message.
type Body struct {
	MsgType  string `json:"msgtype"`
	Markdown struct {
		Content string `json:"content"`
	} `json:"markdown"`
}

// Render builds the robot message for m.
func Render(m notify.Message) Body {
	var b Body
	b.MsgType = "markdown"
	color := "comment"
	if m.Incident.Level == incident.LevelHigh {
		color = "warning"
	}
	var s strings.Builder
	fmt.Fprintf(&s, "### <font color=\"%s\">%s</font>\n", color, m.Title())
	for _, l := range m.Lines() {
		s.WriteString("> " + l + "\n")
	}
	b.Markdown.Content = notify.Clip(s.String(), maxContent)
	return b
}

// Send posts m; nil means a 2xx answer with errcode 0.
func (c *Channel) Send(ctx context.Context, m notify.Message) error {
	body, err := json.Marshal(Render(m))
	if err != nil {
		return fmt.Errorf("wecom: encode: %w", err)
	}
	answer, err := notify.PostJSON(ctx, c.Client, c.URL, nil, body)
	if err == nil {
		err = notify.RobotAnswer(answer)
	}
	if err != nil {
		return fmt.Errorf("wecom: %w", err)
	}
	return nil
}
