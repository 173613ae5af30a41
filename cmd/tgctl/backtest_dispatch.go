package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"
)

// dispatchPasswordEnv holds the console password for backtest --dispatch,
// so it never shows in the process list or shell history.
const dispatchPasswordEnv = "TGCTL_DISPATCH_PASSWORD"

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// dispatchSessions logs in to tgdispatch's console as a supervisor and
// opens its session export for the period (from and to: YYYY-MM-DD,
// inclusive), each record with its incident's outcome. The caller closes
// the body.
func dispatchSessions(ctx context.Context, base, user, from, to string) (io.ReadCloser, error) {
	for _, d := range []string{from, to} {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return nil, usagef("--from and --to must be days, YYYY-MM-DD: %v", err)
		}
	}
	password := os.Getenv(dispatchPasswordEnv)
	if user == "" || password == "" {
		return nil, usagef("--dispatch needs --dispatch-user and the password in $%s", dispatchPasswordEnv)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	base = strings.TrimSuffix(base, "/")
	page, err := get(ctx, c, base+"/login")
	if err != nil {
		return nil, err
	}
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		return nil, fmt.Errorf("dispatch: %s/login has no login form", base)
	}
	form := url.Values{"csrf": {m[1]}, "name": {user}, "password": {password}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("dispatch: log in: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("dispatch: log in as %s: status %d (wrong name or password?)", user, res.StatusCode)
	}
	q := url.Values{"from": {from}, "to": {to}}
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, base+"/supervisor/sessions/export?"+q.Encode(), nil)
	if res, err = c.Do(req); err != nil {
		return nil, fmt.Errorf("dispatch: session export: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		return nil, fmt.Errorf("dispatch: session export: status %d (is %s a supervisor?)", res.StatusCode, user)
	}
	return res.Body, nil
}

func get(ctx context.Context, c *http.Client, u string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", fmt.Errorf("dispatch: %w", err)
	}
	res, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("dispatch: %w", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	return string(b), err
}
