package config

import (
	"bytes"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

// File is the terminal's local --config file: how this machine is wired
// (device, broker, identity, state directory) and, under `policy:`, local
// overrides of the shipped policy. Command-line flags override the wiring.
type File struct {
	Site      string   `yaml:"site"`
	Terminal  string   `yaml:"terminal"`
	UI        string   `yaml:"ui"`
	StateDir  string   `yaml:"state_dir"`
	TrustKeys []string `yaml:"trust_keys"`
	LogLevel  string   `yaml:"log_level"`
	Serial    Serial   `yaml:"serial"`
	Broker    Broker   `yaml:"broker"`
	Screen    ScreenUI `yaml:"screen"`
	// Policy is a layer over the shipped defaults, validated with them.
	Policy map[string]any `yaml:"policy"`
}

// Serial describes the controller's serial line.
type Serial struct {
	Path     string `yaml:"path"`
	Baud     int    `yaml:"baud"`
	DataBits int    `yaml:"data_bits"`
	Parity   string `yaml:"parity"`    // none, odd, even, mark, space
	StopBits string `yaml:"stop_bits"` // 1, 1.5, 2
}

// Broker describes the MQTT connection.
type Broker struct {
	URL      string `yaml:"url"`
	ClientID string `yaml:"client_id"`
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	CAFile   string `yaml:"ca_file"`
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
}

// ScreenUI configures the tgscreen process the agent supervises.
type ScreenUI struct {
	Binary string `yaml:"binary"` // default: tgscreen beside tgagent
	Font   string `yaml:"font"`
}

// LoadFile reads and strictly decodes a local configuration file; unknown
// keys are errors with their line number. The policy layer is checked
// later by Build, together with the defaults.
func LoadFile(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: read %s: %w", path, err)
	}
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	if f.Policy != nil {
		f.Policy = normalise(f.Policy).(map[string]any)
	}
	return &f, nil
}
