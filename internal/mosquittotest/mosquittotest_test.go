package mosquittotest

import (
	"net"
	"os"
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

// listensOn tells the process holding a port from any other, so a broker
// never takes another test's broker on a port it lost for its own.
func TestListensOnTellsTheOwner(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	if ok, err := listensOn(os.Getpid(), port); err != nil || !ok {
		t.Errorf("listensOn(self, %d) = %v, %v; want true", port, ok, err)
	}
	b := Start(t)
	if ok, err := listensOn(b.cmd.Process.Pid, port); err != nil || ok {
		t.Errorf("listensOn(mosquitto, %d) = %v, %v; want false: the port is this test's", port, ok, err)
	}
	if ok, err := listensOn(b.cmd.Process.Pid, b.port); err != nil || !ok {
		t.Errorf("listensOn(mosquitto, its own port %d) = %v, %v; want true", b.port, ok, err)
	}
}
