package main

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/clock"
)

// A second agent on the same state directory is refused at once, naming
// the pid that holds it, instead of timing out on the outbox.
func TestSecondAgentOnStateDirRefused(t *testing.T) {
	dir := t.TempDir()
	first, err := openState(dir, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	_, err = openState(dir, zerolog.Nop())
	want := "state directory " + dir + " in use by pid " + strconv.Itoa(os.Getpid())
	var ue usageError
	if err == nil || err.Error() != want || !asUsage(err, &ue) {
		t.Fatalf("second open: %v, want usage error %q", err, want)
	}
	first.Close()
	again, err := openState(dir, zerolog.Nop())
	if err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
	again.Close()
}

func asUsage(err error, ue *usageError) bool { u, ok := err.(usageError); *ue = u; return ok }

// A flood of the same line writes a bounded number of bytes: 60 s of one
// repeated warning per millisecond (60,000 lines) stays under 1 MB, and
// the line after a quiet spell says how many were suppressed.
func TestRepeatedLogLinesSampled(t *testing.T) {
	var buf bytes.Buffer
	clk := clock.NewFake(time.Unix(0, 0))
	log := zerolog.New(&buf).Hook(newRepeatSampler(clk)).With().Timestamp().Logger()
	for range 60_000 {
		log.Warn().Str("type", "XYZ").Msg("frame outside a session ignored")
		log.Warn().Str("reason", "BAD_CRC").Msg("refusing serial frames")
		clk.Advance(time.Millisecond)
	}
	log.Info().Msg("agent stopped cleanly")
	if buf.Len() > 1<<20 {
		t.Errorf("60 s of flood wrote %d bytes, want ≤ 1 MB", buf.Len())
	}
	if !strings.Contains(buf.String(), `"suppressed":`) || !strings.Contains(buf.String(), "agent stopped cleanly") {
		t.Errorf("log lacks the suppressed count or the rare line:\n%.600s", buf.String())
	}
	t.Logf("60 s flood: %d bytes", buf.Len())
}
