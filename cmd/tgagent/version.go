package main

import "runtime/debug"

// buildVersion is stamped by scripts/package.sh
// (-ldflags "-X main.buildVersion=<git describe>") so a packaged agent
// reports the package's version in its status, not "dev".
var buildVersion string

// version is the "agent" field of the status message.
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
