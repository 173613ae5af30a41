package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/dispatch/auth"
	"github.com/transferguard/transferguard/dispatch/incident"
	"github.com/transferguard/transferguard/dispatch/notify"
	"github.com/transferguard/transferguard/dispatch/web"
)

// fileConfig is the --config YAML: escalation ladder, notification
// channels, sites, bootstrap users.
type fileConfig struct {
	Escalation   *incident.Ladder                `yaml:"escalation"`
	Channels     map[string]notify.ChannelConfig `yaml:"channels"`    // named by the ladder's rungs (CONTRACT §10)
	ConsoleURL   string                          `yaml:"console_url"` // the console as guards reach it, for links in notifications
	FollowWindow time.Duration                   `yaml:"follow_window"`
	Timezone     string                          `yaml:"timezone"`
	Sites        map[string]web.Site             `yaml:"sites"`
	Users        []bootUser                      `yaml:"users"`
	// FollowUpAfter: a resolved incident owed a follow-up and not followed
	// up this long after resolution shows on the effectiveness page; 0 off.
	FollowUpAfter time.Duration `yaml:"follow_up_after"`
}

// bootUser is an account created at start-up when it does not exist yet.
type bootUser struct {
	Name         string   `yaml:"name"`
	Role         string   `yaml:"role"`
	Sites        []string `yaml:"sites"`
	PasswordHash string   `yaml:"password_hash"` // from `tgdispatch hash`
	// DisplayName is what the customer's screen says is coming (王师傅); a
	// supervisor may change it in the console.
	DisplayName string `yaml:"display_name"`
}

// defaultConfig is what runs without --config.
func defaultConfig() fileConfig {
	l := incident.DefaultLadder()
	return fileConfig{Escalation: &l, FollowWindow: 30 * time.Minute, Timezone: "UTC", FollowUpAfter: 72 * time.Hour}
}

// loadConfig reads and validates the file; unknown keys are errors.
func loadConfig(path string) (fileConfig, error) {
	c := defaultConfig()
	if path == "" {
		return c, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("config %s: %w (a typo in a key?)", path, err)
	}
	if c.Escalation == nil {
		l := incident.DefaultLadder()
		c.Escalation = &l
	}
	return c, c.validate()
}

// validate collects every problem with its path.
func (c fileConfig) validate() error {
	var errs []error
	if err := c.Escalation.Validate(); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, c.validateChannels()...)
	if c.FollowUpAfter < 0 {
		errs = append(errs, errors.New("follow_up_after must not be negative"))
	}
	if c.FollowWindow < 0 {
		errs = append(errs, errors.New("follow_window must not be negative"))
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil {
		errs = append(errs, fmt.Errorf("timezone: %w", err))
	}
	for id, s := range c.Sites {
		if !envelope.ValidID(id) {
			errs = append(errs, fmt.Errorf("sites.%s: id must match [A-Za-z0-9_-]{1,64}", id))
		}
		for t := range s.Terminals {
			if !envelope.ValidID(t) {
				errs = append(errs, fmt.Errorf("sites.%s.terminals.%s: id must match [A-Za-z0-9_-]{1,64}", id, t))
			}
		}
	}
	for n, u := range c.Users {
		if u.Name == "" || !auth.ValidRole(u.Role) {
			errs = append(errs, fmt.Errorf("users[%d]: needs a name and a role (guard, supervisor, admin)", n))
		}
		if u.Role == auth.RoleGuard && len(u.Sites) == 0 {
			errs = append(errs, fmt.Errorf("users[%d] (%s): a guard needs sites", n, u.Name))
		}
		if ok, err := auth.CheckPassword(u.PasswordHash, ""); err != nil || ok {
			errs = append(errs, fmt.Errorf("users[%d] (%s): password_hash must be an argon2id hash of a non-empty password (tgdispatch hash)", n, u.Name))
		}
	}
	return errors.Join(errs...)
}
