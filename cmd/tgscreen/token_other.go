//go:build !windows

package main

// defaultTokenFile: on Linux the screen connects over a unix socket and
// needs no token; a TCP address needs --token-file.
func defaultTokenFile() string { return "" }
