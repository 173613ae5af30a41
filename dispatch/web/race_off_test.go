//go:build !race

package web

// raceDetector tells memory tests whether -race inflates the process.
const raceDetector = false
