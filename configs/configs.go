// Package configs ships the default policy inside every binary, so a terminal
// that has never heard from bank IT still warns and alerts as CONTRACT §3
// requires. The YAML files here are the source; agent/config parses them.
package configs

import _ "embed"

// DefaultPolicy is configs/default.yaml: the shipped defaults, the lowest
// layer of every effective configuration.
//
//go:embed default.yaml
var DefaultPolicy []byte
