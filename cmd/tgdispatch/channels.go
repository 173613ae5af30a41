package main

import (
	"fmt"
	"net/url"
	"sort"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/dispatch/notify"
	"github.com/transferguard/transferguard/dispatch/notify/dingtalk"
	"github.com/transferguard/transferguard/dispatch/notify/email"
	"github.com/transferguard/transferguard/dispatch/notify/feishu"
	"github.com/transferguard/transferguard/dispatch/notify/webhook"
	"github.com/transferguard/transferguard/dispatch/notify/wecom"
	"github.com/transferguard/transferguard/dispatch/store"
)

// validateChannels checks every channel and that every rung names only
// configured channels.
func (c fileConfig) validateChannels() []error {
	var errs []error
	names := make([]string, 0, len(c.Channels))
	for name := range c.Channels {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := c.Channels[name].Validate(name); err != nil {
			errs = append(errs, err)
		}
	}
	for n, r := range c.Escalation.Rungs {
		for _, ch := range r.Channels {
			if _, ok := c.Channels[ch]; !ok {
				errs = append(errs, fmt.Errorf("escalation.ladder[%d] (%s).channels: %q is not in channels", n, r.Name, ch))
			}
		}
	}
	if c.ConsoleURL != "" {
		if u, err := url.Parse(c.ConsoleURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("console_url: must be an http(s) URL"))
		}
	}
	return errs
}

// location is a terminal's place as the sites section names it.
func (c fileConfig) location(site, terminal string) string {
	return c.Sites[site].Terminals[terminal]
}

// notifier builds the outbox worker with every configured channel; a
// secret variable that is named but unset is an error naming it.
func notifier(st *store.Store, c fileConfig, owner string, getenv func(string) string, log zerolog.Logger) (*notify.Worker, error) {
	chans := map[string]notify.Channel{}
	for name, cc := range c.Channels {
		secret := ""
		if cc.SecretEnv != "" {
			if secret = getenv(cc.SecretEnv); secret == "" {
				return nil, fmt.Errorf("channels.%s.secret_env: $%s is not set", name, cc.SecretEnv)
			}
		}
		chans[name] = buildChannel(cc, secret)
	}
	return notify.NewWorker(notify.Options{Store: st, Channels: chans, Owner: owner, Log: log})
}

// buildChannel makes the Channel of a validated configuration.
func buildChannel(cc notify.ChannelConfig, secret string) notify.Channel {
	switch cc.Kind {
	case notify.KindWeCom:
		return &wecom.Channel{URL: cc.URL}
	case notify.KindDingTalk:
		return &dingtalk.Channel{URL: cc.URL, Secret: secret}
	case notify.KindFeishu:
		return &feishu.Channel{URL: cc.URL, Secret: secret}
	case notify.KindEmail:
		u, _ := url.Parse(cc.URL)
		return &email.Channel{Addr: u.Host, From: cc.From, To: cc.To, User: cc.User, Password: secret, RequireTLS: cc.RequireTLS}
	}
	return &webhook.Channel{URL: cc.URL, Secret: []byte(secret)}
}
