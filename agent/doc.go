// Package agent is the pure core of transferguard: everything below it
// decides, nothing below it touches hardware, a display or the network.
// Drivers (drivers/…) and the screen process (ui/…, cmd/tgscreen) are
// adapters around it; deps_test.go keeps it that way.
package agent
