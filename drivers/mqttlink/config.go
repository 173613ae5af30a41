package mqttlink

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/transferguard/transferguard/agent/clock"
)

// Defaults for Config fields left zero.
const (
	DefaultKeepAlive         = 30 * time.Second
	DefaultWindow            = 64
	DefaultAckTimeout        = 15 * time.Second
	DefaultRetryMin          = 500 * time.Millisecond
	DefaultRetryMax          = 15 * time.Second
	DefaultAgentVersion      = "dev"
	maxWindow                = 1024
	connectTimeout           = 10 * time.Second
	shutdownTimeout          = 2 * time.Second
	disconnectQuiesceMS      = 250
	dispatchBuffer           = 64
	documentBuffer           = 32
	maxInboundPayload        = 1 << 20
	subscribeQoS             = 1
	publishQoS          byte = 1
)

// Config says where and as whom the link connects. Zero fields get the
// defaults above; New validates everything before any connection is made,
// so a bad flag is reported at start-up.
type Config struct {
	// Broker is tcp://host:port, ssl://host:port (also tls, mqtt, mqtts),
	// ws:// or wss:// ("embedded" is resolved by the agent before New).
	Broker   string `yaml:"url"`
	ClientID string `yaml:"client_id"` // default "tg-<site>-<terminal>"

	Site     string `yaml:"-"` // [A-Za-z0-9_-]{1,64}, from the agent's identity
	Terminal string `yaml:"-"` // [A-Za-z0-9_-]{1,64}

	// Username and Password authenticate to the broker (MQTT CONNECT);
	// never logged.
	Username string `yaml:"username"`
	Password string `yaml:"password"`

	// CAFile (PEM) verifies the broker instead of the system roots;
	// CertFile and KeyFile (PEM) are a client certificate for mutual TLS.
	CAFile   string `yaml:"ca_file"`
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`

	// KeepAlive is the MQTT keepalive; the broker sends the Will after 1.5×.
	KeepAlive time.Duration `yaml:"-"`

	Boot         string `yaml:"-"` // id of this run, in every status; default a new ULID
	AgentVersion string `yaml:"-"` // "agent" field of status

	Window int `yaml:"-"` // QoS 1 publishes in flight at once while draining

	// AckTimeout bounds every wait for a broker answer (PUBACK, SUBACK);
	// a publish not acknowledged in time drops the connection and the
	// outbox is replayed from its oldest entry.
	AckTimeout time.Duration `yaml:"-"`
	// RetryMin and RetryMax bound the exponential back-off between
	// connection attempts.
	RetryMin time.Duration `yaml:"-"`
	RetryMax time.Duration `yaml:"-"`
	// Clock stamps statuses and times publish deadlines and backlogs;
	// default the wall clock.
	Clock clock.Clock `yaml:"-"`
}

// withDefaults fills zero fields and validates the result.
func (c Config) withDefaults() (Config, error) {
	if c.ClientID == "" {
		c.ClientID = "tg-" + c.Site + "-" + c.Terminal
	}
	if c.Clock == nil {
		c.Clock = clock.Real{}
	}
	if c.KeepAlive <= 0 {
		c.KeepAlive = DefaultKeepAlive
	}
	if c.Boot == "" {
		c.Boot = ulid.Make().String()
	}
	if c.AgentVersion == "" {
		c.AgentVersion = DefaultAgentVersion
	}
	if c.Window <= 0 {
		c.Window = DefaultWindow
	}
	c.Window = min(c.Window, maxWindow)
	if c.AckTimeout <= 0 {
		c.AckTimeout = DefaultAckTimeout
	}
	if c.RetryMin <= 0 {
		c.RetryMin = DefaultRetryMin
	}
	if c.RetryMax < c.RetryMin {
		c.RetryMax = max(DefaultRetryMax, c.RetryMin)
	}
	u, err := url.Parse(c.Broker)
	if err != nil {
		return c, fmt.Errorf("mqttlink: broker %q: %w", c.Broker, err)
	}
	switch u.Scheme {
	case "tcp", "mqtt", "ssl", "tls", "mqtts", "ws", "wss":
	default:
		return c, fmt.Errorf("mqttlink: broker %q: scheme must be tcp, ssl, ws or wss", c.Broker)
	}
	if u.Host == "" {
		return c, fmt.Errorf("mqttlink: broker %q: no host", c.Broker)
	}
	if len(c.ClientID) > 128 {
		return c, fmt.Errorf("mqttlink: client id longer than 128 bytes")
	}
	return c, nil
}

// secure reports whether the broker URL asks for TLS.
func (c Config) secure() bool {
	u, _ := url.Parse(c.Broker)
	switch u.Scheme {
	case "ssl", "tls", "mqtts", "wss":
		return true
	}
	return false
}

// tlsConfig loads the CA and client certificate files, or returns nil for
// a plain connection with no TLS files configured.
func (c Config) tlsConfig() (*tls.Config, error) {
	if !c.secure() && c.CAFile == "" && c.CertFile == "" && c.KeyFile == "" {
		return nil, nil
	}
	return TLSConfig(c.CAFile, c.CertFile, c.KeyFile)
}

// TLSConfig is the TLS setup every transferguard MQTT client uses (agent,
// tgctl): TLS 1.2 or later, the broker verified against caFile (PEM) when
// given, else the system roots, and a client certificate for mutual TLS
// when certFile and keyFile are given (both or neither).
func TLSConfig(caFile, certFile, keyFile string) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("mqttlink: ca file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("mqttlink: ca file %q: no PEM certificate", caFile)
		}
		tc.RootCAs = pool
	}
	if (certFile == "") != (keyFile == "") {
		return nil, fmt.Errorf("mqttlink: client certificate needs both cert and key files")
	}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("mqttlink: client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}
