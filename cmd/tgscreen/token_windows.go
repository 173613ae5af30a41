//go:build windows

package main

import (
	"os"
	"path/filepath"
)

// defaultTokenFile is where tgagent --ui listen writes its token by
// default on Windows (%ProgramData%\transferguard\screen\token).
func defaultTokenFile() string {
	base := os.Getenv("ProgramData")
	if base == "" {
		base = `C:\ProgramData`
	}
	return filepath.Join(base, "transferguard", "screen", "token")
}
