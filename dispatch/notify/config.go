package notify

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
)

// Kinds of channel, as written in tgdispatch's YAML (`kind:`).
const (
	KindWebhook  = "webhook"
	KindWeCom    = "wecom"
	KindDingTalk = "dingtalk"
	KindFeishu   = "feishu"
	KindEmail    = "email"
)

// ChannelConfig is one entry of the `channels:` section of tgdispatch's
// YAML. The secret is never in the file: SecretEnv names the environment
// variable that holds it (the webhook's HMAC key, a robot's signing
// secret, the SMTP password).
type ChannelConfig struct {
	Kind      string   `yaml:"kind"`
	URL       string   `yaml:"url"`        // webhook and robots: where to POST; email: smtp://host:port
	SecretEnv string   `yaml:"secret_env"` // optional for wecom (its key is in the URL) and email without login
	From      string   `yaml:"from"`       // email
	To        []string `yaml:"to"`         // email
	User      string   `yaml:"user"`       // email: SMTP login, password from secret_env
	// RequireTLS refuses an SMTP server that does not offer STARTTLS
	// (email); without it a server on loopback or a trusted LAN may
	// speak plain SMTP.
	RequireTLS bool `yaml:"require_tls"`
}

var channelName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ValidChannelName tells whether a channel name is usable (it appears in
// steps and logs).
func ValidChannelName(s string) bool { return channelName.MatchString(s) }

// Validate names every problem of the channel called name, each with its
// path; it does no I/O and reads no environment.
func (c ChannelConfig) Validate(name string) error {
	at := "channels." + name
	var errs []error
	if !ValidChannelName(name) {
		errs = append(errs, fmt.Errorf("%s: name must match [A-Za-z0-9_-]{1,64}", at))
	}
	u, err := url.Parse(c.URL)
	switch c.Kind {
	case KindWebhook, KindDingTalk, KindFeishu, KindWeCom:
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s.url: must be an http(s) URL", at))
		}
		if c.SecretEnv == "" && c.Kind == KindWebhook {
			errs = append(errs, fmt.Errorf("%s.secret_env: a webhook is signed; name the variable holding its secret", at))
		}
	case KindEmail:
		if err != nil || u.Scheme != "smtp" || u.Hostname() == "" || u.Port() == "" {
			errs = append(errs, fmt.Errorf("%s.url: must be smtp://host:port", at))
		}
		if c.From == "" || len(c.To) == 0 {
			errs = append(errs, fmt.Errorf("%s: email needs from and to", at))
		}
		if c.User != "" && c.SecretEnv == "" {
			errs = append(errs, fmt.Errorf("%s.secret_env: user needs a password variable", at))
		}
	default:
		errs = append(errs, fmt.Errorf("%s.kind: %q is not webhook, wecom, dingtalk, feishu or email", at, c.Kind))
	}
	return errors.Join(errs...)
}
