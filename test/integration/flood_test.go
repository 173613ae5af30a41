//go:build integration

package integration

import (
	"fmt"
	"os"
	"testing"
	"time"
)

// TestLogVolumeUnderFlood: 10 s of nonsense at about 260 frames/s (half of
// a 115200-baud line): CONFIRM and CANCEL outside a session, unknown
// types, bad CRCs, alternating so the refusal log switches on and off. The
// contract's bound, 1 MB of log per 60 s, scaled to 10 s: 175 KB. Run at
// --log-level debug, stricter than production's info.
func TestLogVolumeUnderFlood(t *testing.T) {
	t.Parallel()
	const flood = 10 * time.Second
	r := newRig(t, nil)
	r.startAgent()
	before := logSize(t, r.agent.logPath)
	nonsense := []string{"CONFIRM", "CANCEL", "NOPE", "BADCRC"}
	start, n := time.Now(), 0
	for time.Since(start) < flood {
		var batch []byte
		for range 3 {
			typ := nonsense[n%len(nonsense)]
			raw := rawFrame(fmt.Sprintf("TG1,%d,%s", 40000+n%20000, typ))
			if typ == "BADCRC" {
				raw = fmt.Sprintf("$TG1,%d,CONFIRM*0000\r\n", 40000+n%20000)
			}
			batch, n = append(batch, raw...), n+1
		}
		if _, err := r.pty.Write(batch); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	got := logSize(t, r.agent.logPath) - before
	bound := int64(1<<20) * int64(flood) / int64(time.Minute)
	t.Logf("%d nonsense frames in %v: %d log bytes (bound %d)", n, flood, got, bound)
	if got > bound {
		t.Errorf("%d log bytes for %v of nonsense frames, want at most %d (1 MB per 60 s)\n%s", got, flood, bound, tail(r.agent.log(), 10))
	}
	if !r.agent.running() {
		t.Fatal("agent died under the flood")
	}
}

func logSize(t *testing.T, path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}
