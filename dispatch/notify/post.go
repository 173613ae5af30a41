package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// DefaultClient is the HTTP client channels use unless given one: no
// redirects followed (a robot URL that redirects is misconfigured, and a
// redirect must not carry the body elsewhere), keep-alive on.
var DefaultClient = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, MaxIdleConnsPerHost: 4,
		IdleConnTimeout: 90 * time.Second, TLSHandshakeTimeout: 10 * time.Second},
}

// maxAnswer bounds how much of an answer is read.
const maxAnswer = 64 << 10

// PostJSON POSTs body with the extra headers and returns the answer's
// status and (bounded) body. Its errors never contain the URL, which for
// the robots holds their access key; a non-2xx answer is an error.
func PostJSON(ctx context.Context, c *http.Client, target string, header http.Header, body []byte) ([]byte, error) {
	if c == nil {
		c = DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, errors.New("bad URL") // url.Parse's error quotes the URL
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return answer, fmt.Errorf("answer %s", resp.Status)
	}
	if err != nil {
		return answer, fmt.Errorf("read answer: %w", err)
	}
	return answer, nil
}

// RobotAnswer checks a group robot's JSON answer: WeCom and DingTalk say
// {"errcode":0,"errmsg":"ok"}, Feishu {"code":0,"msg":"success"} (older
// Feishu deployments {"StatusCode":0}). Anything else non-zero is a failure.
func RobotAnswer(b []byte) error {
	var a struct {
		ErrCode    *int   `json:"errcode"`
		ErrMsg     string `json:"errmsg"`
		Code       *int   `json:"code"`
		Msg        string `json:"msg"`
		StatusCode *int   `json:"StatusCode"`
	}
	if err := json.Unmarshal(b, &a); err != nil {
		return fmt.Errorf("answer is not JSON: %w", err)
	}
	switch {
	case a.ErrCode != nil && *a.ErrCode != 0:
		return fmt.Errorf("robot errcode %d: %.200s", *a.ErrCode, a.ErrMsg)
	case a.Code != nil && *a.Code != 0:
		return fmt.Errorf("robot code %d: %.200s", *a.Code, a.Msg)
	case a.StatusCode != nil && *a.StatusCode != 0:
		return fmt.Errorf("robot StatusCode %d", *a.StatusCode)
	case a.ErrCode == nil && a.Code == nil && a.StatusCode == nil:
		return errors.New("robot answer has no errcode or code")
	}
	return nil
}
