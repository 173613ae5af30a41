package email_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"mime/quotedprintable"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/transferguard/transferguard/dispatch/notify/email"
	"github.com/transferguard/transferguard/dispatch/notify/notifytest"
)

// mail is what the test's SMTP server received in one conversation.
type mail struct {
	tls      bool
	from     string
	to       []string
	auth     string
	data     string
	commands []string
}

// smtpServer is a small real SMTP server (RFC 5321 over net/textproto),
// offering STARTTLS when cert is set and AUTH PLAIN after it.
func smtpServer(t *testing.T, cert *tls.Certificate) (addr string, got <-chan mail) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	out := make(chan mail, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go converse(c, cert, out)
		}
	}()
	return ln.Addr().String(), out
}

func converse(c net.Conn, cert *tls.Certificate, out chan<- mail) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(c)
	var m mail
	_ = tp.PrintfLine("220 test ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		m.commands = append(m.commands, strings.Fields(line + " ")[0])
		verb := strings.ToUpper(strings.Fields(line + " ")[0])
		switch {
		case verb == "EHLO":
			ext := []string{"250-test"}
			if cert != nil && !m.tls {
				ext = append(ext, "250-STARTTLS")
			}
			if m.tls {
				ext = append(ext, "250-AUTH PLAIN")
			}
			_ = tp.PrintfLine("%s", strings.Join(append(ext, "250 8BITMIME"), "\r\n"))
		case verb == "STARTTLS":
			_ = tp.PrintfLine("220 go ahead")
			tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{*cert}})
			if tc.Handshake() != nil {
				return
			}
			c, m.tls = tc, true
			tp = textproto.NewConn(tc)
		case verb == "AUTH":
			m.auth = line
			_ = tp.PrintfLine("235 ok")
		case verb == "MAIL":
			m.from = line
			_ = tp.PrintfLine("250 ok")
		case verb == "RCPT":
			m.to = append(m.to, line)
			_ = tp.PrintfLine("250 ok")
		case verb == "DATA":
			_ = tp.PrintfLine("354 go on")
			b, err := io.ReadAll(tp.DotReader())
			if err != nil {
				return
			}
			m.data = string(b)
			_ = tp.PrintfLine("250 queued")
			out <- m
		case verb == "QUIT":
			_ = tp.PrintfLine("221 bye")
			return
		default:
			_ = tp.PrintfLine("502 no")
		}
	}
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (*tls.Certificate, *x509.CertPool) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "smtp test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func TestEmailOverSTARTTLSWithLogin(t *testing.T) {
	cert, pool := selfSigned(t)
	addr, got := smtpServer(t, cert)
	ch := &email.Channel{Addr: addr, From: "tg@bank.example", To: []string{"manager@bank.example", "security@bank.example"},
		User: "tg", Password: "pw", RequireTLS: true, TLS: &tls.Config{RootCAs: pool}}
	if err := ch.Send(context.Background(), notifytest.Sample()); err != nil {
		t.Fatal(err)
	}
	m := <-got
	if !m.tls || !strings.HasPrefix(m.auth, "AUTH PLAIN") || m.from != "MAIL FROM:<tg@bank.example> BODY=8BITMIME" && m.from != "MAIL FROM:<tg@bank.example>" {
		t.Errorf("conversation %+v", m)
	}
	if len(m.to) != 2 {
		t.Errorf("recipients %v", m.to)
	}
	head, body, _ := strings.Cut(m.data, "\n\n")
	text, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body)))
	for _, want := range []string{"Subject: [transferguard] raised: high risk at DEMO/ATM-1", "Message-ID: <n1@transferguard.invalid>", "Content-Type: text/plain; charset=utf-8"} {
		if !strings.Contains(head, want) {
			t.Errorf("headers lack %q:\n%s", want, head)
		}
	}
	if !strings.Contains(string(text), "customer age: 72") || strings.Contains(m.data, "622202") {
		t.Errorf("body %q", text)
	}
}

func TestEmailRefusesPlainWhenTLSRequired(t *testing.T) {
	addr, got := smtpServer(t, nil)
	ch := &email.Channel{Addr: addr, From: "tg@bank.example", To: []string{"m@bank.example"}, RequireTLS: true}
	if err := ch.Send(context.Background(), notifytest.Sample()); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("got %v, want a refusal naming STARTTLS", err)
	}
	ch.RequireTLS = false
	if err := ch.Send(context.Background(), notifytest.Sample()); err != nil {
		t.Fatal(err)
	}
	if m := <-got; m.tls {
		t.Error("plain server reported TLS")
	}
}

func TestEmailDeadServerFailsWithinContext(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0") // accepts, never greets
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			_, _ = bufio.NewReader(c).ReadString('\n')
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	ch := &email.Channel{Addr: ln.Addr().String(), From: "a@b", To: []string{"c@d"}}
	if err := ch.Send(ctx, notifytest.Sample()); err == nil {
		t.Fatal("silent server: no error")
	}
}
