package mosquittotest

import (
	"net"
	"testing"
	"time"
)

func TestStartStopRestart(t *testing.T) {
	b := Start(t)
	if b.URL() != "tcp://"+b.Addr() {
		t.Fatalf("URL %q does not match Addr %q", b.URL(), b.Addr())
	}
	dial := func() error {
		c, err := net.DialTimeout("tcp", b.Addr(), time.Second)
		if err == nil {
			_ = c.Close()
		}
		return err
	}
	if err := dial(); err != nil {
		t.Fatalf("dial running broker: %v", err)
	}
	b.Stop()
	if err := dial(); err == nil {
		t.Fatal("dial succeeded after Stop")
	}
	b.Restart()
	if err := dial(); err != nil {
		t.Fatalf("dial after Restart: %v", err)
	}
}
