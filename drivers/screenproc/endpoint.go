package screenproc

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/transferguard/transferguard/agent/screen"
)

// Addr is the local endpoint where the agent listens for its screen
// (tgagent --ui listen --ui-addr) and tgscreen --connect dials.
type Addr struct {
	Network string // "unix" or "tcp"
	Address string // socket path, or loopback host:port
}

// String is the form ParseAddr reads back.
func (a Addr) String() string { return a.Network + ":" + a.Address }

// ParseAddr reads "unix:/path/screen.sock", a bare absolute path (a unix
// socket), or "tcp:127.0.0.1:PORT". A TCP address must be loopback: the
// screen protocol carries what the customer is told and touches, and is
// never offered to the network.
func ParseAddr(s string) (Addr, error) {
	network, rest, ok := strings.Cut(s, ":")
	switch {
	case filepath.IsAbs(s) && !strings.HasPrefix(s, "tcp:"):
		return Addr{Network: "unix", Address: s}, nil
	case !ok || rest == "":
		return Addr{}, fmt.Errorf("screen address %q: want unix:/path or tcp:127.0.0.1:PORT", s)
	case network == "unix":
		if !filepath.IsAbs(rest) {
			return Addr{}, fmt.Errorf("screen address %q: the socket path must be absolute", s)
		}
		return Addr{Network: "unix", Address: rest}, nil
	case network == "tcp":
		return parseTCP(rest)
	}
	return Addr{}, fmt.Errorf("screen address %q: want unix:/path or tcp:127.0.0.1:PORT", s)
}

func parseTCP(hostport string) (Addr, error) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return Addr{}, fmt.Errorf("screen address tcp:%s: %w", hostport, err)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return Addr{}, fmt.Errorf("screen address tcp:%s: bad port", hostport)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return Addr{}, fmt.Errorf("screen address tcp:%s: only a loopback address (127.0.0.1, ::1, localhost) is allowed", hostport)
	}
	return Addr{Network: "tcp", Address: hostport}, nil
}

// helloTimeout bounds the dial and the hello in both directions.
const helloTimeout = 5 * time.Second

// Dial connects a screen to the agent at a. On TCP it first sends the
// hello line with token (the content of the agent's token file); on a
// unix socket the socket's permissions decide and token may be "".
func Dial(ctx context.Context, a Addr, token string) (net.Conn, error) {
	d := net.Dialer{Timeout: helloTimeout}
	c, err := d.DialContext(ctx, a.Network, a.Address)
	if err != nil {
		return nil, fmt.Errorf("screenproc: dial %s: %w", a, err)
	}
	if token == "" {
		if a.Network == "tcp" {
			c.Close()
			return nil, fmt.Errorf("screenproc: dial %s: a TCP screen needs the agent's token", a)
		}
		return c, nil
	}
	b, _ := json.Marshal(screen.FromDisplay{Type: screen.MsgHello, Token: token}) // cannot fail
	_ = c.SetWriteDeadline(time.Now().Add(helloTimeout))
	if _, err := c.Write(append(b, '\n')); err != nil {
		c.Close()
		return nil, fmt.Errorf("screenproc: hello to %s: %w", a, err)
	}
	_ = c.SetWriteDeadline(time.Time{})
	return c, nil
}

// checkHello reads the first line of a TCP screen and accepts it only if
// it is a hello with the agent's token. The token is compared in constant
// time and never appears in an error.
func checkHello(sc *bufio.Scanner, token string) error {
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return fmt.Errorf("screenproc: hello: %w", err)
		}
		return errors.New("screenproc: closed before its hello")
	}
	m, err := decodeLine(sc.Bytes())
	switch {
	case err != nil:
		return err
	case m.Type != screen.MsgHello:
		return errors.New("screenproc: first line is not a hello")
	case subtle.ConstantTimeCompare([]byte(m.Token), []byte(token)) != 1:
		return errors.New("screenproc: wrong token")
	}
	return nil
}

// ReadToken reads the token file the agent wrote (tgscreen --token-file).
func ReadToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("screenproc: token: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", fmt.Errorf("screenproc: token file %s is empty", path)
	}
	return tok, nil
}

// newToken is 32 random bytes in hex, fresh for every start of the agent.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("screenproc: token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// writeToken writes tok to path so that only the agent, administrators
// and reader (a group on Unix, an account or group on Windows) can read
// it: the file is made private first, then filled, then renamed in place,
// so no other user ever sees a readable token.
func writeToken(path, tok, reader string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("screenproc: token dir: %w", err)
	}
	if err := protectTokenDir(dir, reader); err != nil {
		return err
	}
	tmp := path + ".new"
	_ = os.Remove(tmp)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("screenproc: token: %w", err)
	}
	err = errors.Join(shareTokenFile(tmp, reader), writeAll(f, tok+"\n"), f.Close())
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("screenproc: token %s: %w", path, err)
	}
	return nil
}

func writeAll(f *os.File, s string) error {
	_, err := f.WriteString(s)
	return err
}
