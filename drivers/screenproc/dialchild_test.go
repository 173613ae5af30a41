package screenproc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/agent/screen"
	"github.com/transferguard/transferguard/ui/pipe"
)

// Exit codes of the test binary run as a screen of another user
// (SCREENPROC_DIAL=socket path): it connects, says ready and waits for a
// screen.
const (
	childSawScreen = 0
	childDenied    = 3
	childOther     = 4
)

func dialChild(path string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, Addr{Network: "unix", Address: path}, "")
	if errors.Is(err, syscall.EACCES) {
		return childDenied
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return childOther
	}
	defer c.Close()
	if err := pipe.NewWriter(c).Ready(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return childOther
	}
	got := make(chan struct{}, 1)
	go pipe.Read(c, func(screen.Screen) { got <- struct{}{} }, zerolog.Nop())
	select {
	case <-got:
		return childSawScreen
	case <-ctx.Done():
		fmt.Fprintln(os.Stderr, "connected, but no screen came")
		return childOther
	}
}
