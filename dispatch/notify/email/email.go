// Package email sends notifications by SMTP, for rungs that are people at
// desks (a branch manager, a security office) rather than a group chat.
//
// It uses the standard library's net/smtp: it speaks ESMTP with STARTTLS
// and PLAIN auth, which is all a bank's internal relay needs, and adds no
// dependency. net/smtp is frozen (no new features) but maintained with Go;
// the one thing it lacks, a context, is supplied here by a deadline on
// the connection and closing it when the context ends.
//
// STARTTLS is used whenever the server offers it (the certificate is
// checked against the system roots, or TLS.RootCAs); RequireTLS refuses a
// server that does not offer it. Login (User + password) is only sent
// over TLS or to a server on loopback (net/smtp refuses otherwise).
// Delivery is the server's 250 after the message data; each message has a
// Message-ID made from the notification id, the same on every retry.
package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"strings"
	"time"

	"github.com/transferguard/transferguard/dispatch/notify"
)

// Channel sends each message to a fixed list of addresses.
type Channel struct {
	Addr       string // host:port of the SMTP server
	From       string
	To         []string
	User       string // "" for no login
	Password   string
	RequireTLS bool
	TLS        *tls.Config      // nil: verify against the system roots for the server's host name
	Now        func() time.Time // nil: time.Now (the Date header)
}

// Send delivers m by one SMTP conversation.
func (c *Channel) Send(ctx context.Context, m notify.Message) error {
	if err := c.send(ctx, m); err != nil {
		return fmt.Errorf("email: %w", err)
	}
	return nil
}

func (c *Channel) send(ctx context.Context, m notify.Message) error {
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("address %q: %w", c.Addr, err)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", c.Addr)
	if err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	cl, err := smtp.NewClient(conn, host)
	if err != nil {
		_ = conn.Close()
		return fmt.Errorf("greeting: %w", err)
	}
	defer cl.Close()
	if err := c.secure(cl, host); err != nil {
		return err
	}
	if err := c.envelope(cl); err != nil {
		return err
	}
	w, err := cl.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(c.compose(m)); err != nil {
		return fmt.Errorf("write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("message refused: %w", err)
	}
	_ = cl.Quit() // the message is accepted; a lost QUIT answer changes nothing
	return nil
}

// secure starts TLS when offered (or required) and logs in when asked.
func (c *Channel) secure(cl *smtp.Client, host string) error {
	if err := cl.Hello("transferguard"); err != nil {
		return fmt.Errorf("EHLO: %w", err)
	}
	if ok, _ := cl.Extension("STARTTLS"); ok {
		cfg := c.TLS
		if cfg == nil {
			cfg = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		cfg = cfg.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = host
		}
		if err := cl.StartTLS(cfg); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	} else if c.RequireTLS {
		return errors.New("server does not offer STARTTLS and require_tls is set")
	}
	if c.User == "" {
		return nil
	}
	if err := cl.Auth(smtp.PlainAuth("", c.User, c.Password, host)); err != nil {
		return fmt.Errorf("AUTH: %w", err)
	}
	return nil
}

// envelope sends MAIL FROM and RCPT TO.
func (c *Channel) envelope(cl *smtp.Client) error {
	if err := cl.Mail(c.From); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	for _, to := range c.To {
		if err := cl.Rcpt(to); err != nil {
			return fmt.Errorf("RCPT TO: %w", err)
		}
	}
	return nil
}

// compose renders the message: headers, then the text quoted-printable.
func (c *Channel) compose(m notify.Message) []byte {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	var b strings.Builder
	hdr := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	hdr("From", c.From)
	hdr("To", strings.Join(c.To, ", "))
	hdr("Subject", mime.QEncoding.Encode("utf-8", m.Title()))
	hdr("Date", now().Format(time.RFC1123Z))
	hdr("Message-ID", "<"+m.ID+"@transferguard.invalid>")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	hdr("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	_, _ = qp.Write([]byte(strings.ReplaceAll(m.Text(), "\n", "\r\n") + "\r\n"))
	_ = qp.Close()
	return []byte(b.String())
}
