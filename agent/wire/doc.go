// Package wire is transferguard's vocabulary: every word that crosses a
// process boundary — serial frame types and their reasons, hold reasons,
// screen names, alert kinds and levels, dispatch states, MQTT topics — is
// defined here once, as a typed string, and used by the agent, the drivers,
// tgsim, tgctl and tgdispatch alike.
//
// Why one package: a word retyped as a literal drifts (a typo compiles), and
// a word defined twice (agent and dispatch) drifts silently. Adding a frame
// type means adding it here, handling it in agent/terminal and describing it
// in docs/serial-protocol.md; the compiler finds the rest.
//
// The package imports nothing of the project, so any package may use it.
package wire
