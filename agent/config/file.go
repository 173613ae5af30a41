package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"
)

// File is the terminal's local --config file: its identity, state
// directory and, under `policy:`, local overrides of the shipped policy.
// The `serial:` and `broker:` sections belong to the drivers that use them
// (drivers/serialport.Config, drivers/mqttlink.Config): cmd/tgagent embeds
// File beside them and decodes the whole file with LoadFileInto.
// Command-line flags override the wiring.
type File struct {
	Site      string   `yaml:"site"`
	Terminal  string   `yaml:"terminal"`
	UI        string   `yaml:"ui"`
	StateDir  string   `yaml:"state_dir"`
	TrustKeys []string `yaml:"trust_keys"`
	LogLevel  string   `yaml:"log_level"`
	Screen    ScreenUI `yaml:"screen"`
	// Policy is a layer over the shipped defaults, validated with them.
	Policy map[string]any `yaml:"policy"`
}

// Base returns f; a struct that embeds File gets it too, which is how
// LoadFileInto finds the policy layer to normalise.
func (f *File) Base() *File { return f }

// ScreenUI configures the tgscreen process the agent supervises.
type ScreenUI struct {
	Binary string `yaml:"binary"` // default: tgscreen beside tgagent
	Font   string `yaml:"font"`
}

// LoadFile reads a local configuration file for its identity and policy
// (tgscreen --preview, tests). The drivers' sections are skipped here;
// every other unknown key is an error with its line number.
func LoadFile(path string) (*File, error) {
	var f struct {
		File   `yaml:",inline"`
		Serial yaml.Node `yaml:"serial"`
		Broker yaml.Node `yaml:"broker"`
	}
	if err := LoadFileInto(path, &f); err != nil {
		return nil, err
	}
	return &f.File, nil
}

// LoadFileInto strictly decodes the file at path into dst, a struct that
// embeds File inline beside the sections of other packages; unknown keys
// are errors with their line number. The policy layer is checked later by
// Build, together with the defaults.
func LoadFileInto(path string, dst interface{ Base() *File }) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: read %s: %w", path, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(dst); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("config: %s: %w", path, err)
	}
	if f := dst.Base(); f.Policy != nil {
		f.Policy = normalise(f.Policy).(map[string]any)
	}
	return nil
}
