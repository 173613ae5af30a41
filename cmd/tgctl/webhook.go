package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/transferguard/transferguard/dispatch/notify"
	"github.com/transferguard/transferguard/dispatch/notify/webhook"
)

// runWebhookListen is a reference receiver for tgdispatch's signed webhook
// (CONTRACT §10): it checks each request's signature and timestamp,
// answers 204, and prints the event; a bad signature gets 401. A message
// seen before (same id, a retry after a crash) is answered but not printed
// again.
func runWebhookListen(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("webhook-listen", stderr)
	addr := fs.String("addr", "127.0.0.1:8099", "address to listen on")
	secretEnv := fs.String("secret-env", "", "environment variable holding the signing secret (required)")
	skew := fs.Duration("skew", 5*time.Minute, "largest accepted difference between X-TG-Timestamp and this clock")
	asJSON := fs.Bool("json", false, "print each verified body as one JSON line")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 || *secretEnv == "" {
		return usagef("--secret-env VAR is required; no arguments expected")
	}
	secret := os.Getenv(*secretEnv)
	if secret == "" {
		return usagef("$%s is not set", *secretEnv)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stderr, "tgctl webhook-listen: waiting for signed events on http://%s/\n", ln.Addr())
	srv := &http.Server{Handler: &hookPrinter{secret: []byte(secret), skew: *skew, json: *asJSON, out: stdout, log: stderr},
		ReadHeaderTimeout: 10 * time.Second}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// hookPrinter verifies and prints webhook requests.
type hookPrinter struct {
	secret []byte
	skew   time.Duration
	json   bool
	out    io.Writer
	log    io.Writer

	mu   sync.Mutex
	seen map[string]bool
}

func (h *hookPrinter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "read error", http.StatusBadRequest)
		return
	}
	if err := webhook.Verify(h.secret, r.Header.Get(webhook.HeaderTimestamp), r.Header.Get(webhook.HeaderSignature), body, time.Now(), h.skew); err != nil {
		fmt.Fprintf(h.log, "rejected a request from %s: %v\n", r.RemoteAddr, err)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	m, err := notify.Decode(body)
	if err != nil {
		http.Error(w, "not a transferguard message", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusNoContent)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.seen == nil || len(h.seen) > 10000 {
		h.seen = map[string]bool{}
	}
	if h.seen[m.ID] {
		return
	}
	h.seen[m.ID] = true
	if h.json {
		fmt.Fprintf(h.out, "%s\n", body)
		return
	}
	fmt.Fprintf(h.out, "%s %s\n    %s\n", time.Now().Format("15:04:05"), m.Title(), strings.Join(m.Lines(), "\n    "))
}
