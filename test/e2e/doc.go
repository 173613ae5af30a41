// Package e2e holds tgdispatch's end-to-end tests, behind build tags so a
// plain `go test ./...` stays fast:
//
//   - e2e: the real tgdispatch binary, a real mosquitto and Debian's
//     Chromium driven by chromedp — a guard logs in, sees an alert appear
//     live, claims it, and a paho client standing in for the agent receives
//     the dispatch message; BenchmarkConsole measures alert → screen and
//     claim → dispatch latency.
//   - load: 1,000 simulated terminals send 1,000 alerts per second for
//     about ten seconds through mosquitto into one instance: nothing lost,
//     nothing twice.
//
// scripts/test-dispatch.sh runs them.
package e2e
