//go:build race

package web

// raceDetector: the race detector's shadow memory multiplies what a
// process holds (measured: the bounded login flood peaks at ~540 MB under
// -race, ~130 MB without).
const raceDetector = true
