package main

import (
	"context"
	"errors"
	"flag"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sync/errgroup"

	"github.com/transferguard/transferguard/agent/envelope"
	"github.com/transferguard/transferguard/dispatch/feed"
	"github.com/transferguard/transferguard/dispatch/ingest"
	"github.com/transferguard/transferguard/dispatch/notify"
	"github.com/transferguard/transferguard/dispatch/service"
	"github.com/transferguard/transferguard/dispatch/store"
	"github.com/transferguard/transferguard/dispatch/web"
)

// serveFlags are the service's flags.
type serveFlags struct {
	broker, db, listen, group, config, clientID, brokerUser, logLevel string
	metrics                                                           string // --metrics ADDR, empty: off
	ca, cert, key                                                     string
	secureCookies, leaveOnStop                                        bool
	workers                                                           int
	signingKey                                                        string // --signing-key: signs dispatch (CONTRACT §12)
}

func parseServe(args []string) (serveFlags, error) {
	var f serveFlags
	fs := flag.NewFlagSet("tgdispatch", flag.ContinueOnError)
	fs.StringVar(&f.broker, "broker", "tcp://127.0.0.1:1883", "MQTT broker URL (tcp://, ssl://)")
	fs.StringVar(&f.db, "db", "sqlite:tgdispatch.db", "database: sqlite:PATH or postgres://user@host/db")
	fs.StringVar(&f.listen, "listen", "127.0.0.1:8080", "console address")
	fs.StringVar(&f.group, "group", "tgdispatch", "shared-subscription group; instances of one group split the alerts")
	fs.StringVar(&f.config, "config", "", "YAML: escalation ladder, sites, bootstrap users")
	fs.StringVar(&f.clientID, "client-id", "", "MQTT client id, stable per instance (default tgdispatch-<group>-<host>)")
	fs.StringVar(&f.brokerUser, "broker-user", "", "broker user name; the password is read from $TGDISPATCH_BROKER_PASSWORD")
	fs.StringVar(&f.ca, "ca", "", "PEM CA bundle to verify the broker (ssl://); default: the system roots")
	fs.StringVar(&f.cert, "cert", "", "PEM client certificate for the broker (mutual TLS); needs --key")
	fs.StringVar(&f.key, "key", "", "PEM private key of --cert")
	fs.StringVar(&f.logLevel, "log-level", "info", "zerolog level")
	fs.BoolVar(&f.secureCookies, "secure-cookies", false, "mark cookies Secure (set when the console is served over https)")
	fs.BoolVar(&f.leaveOnStop, "leave-on-stop", false, "leave the shared subscription at shutdown (retiring an instance for good)")
	fs.IntVar(&f.workers, "workers", 4, "concurrent message handlers")
	fs.StringVar(&f.signingKey, "signing-key", "", "PEM Ed25519 private key (tgctl keygen) that signs dispatch; terminals trust its public key with --dispatch-key")
	fs.StringVar(&f.metrics, "metrics", "", "serve Prometheus /metrics on this address, e.g. 127.0.0.1:9465 (default off)")
	if err := fs.Parse(args); err != nil {
		return f, usageError{err}
	}
	if fs.NArg() > 0 {
		return f, usageError{errors.New("unexpected argument " + fs.Arg(0))}
	}
	if (f.cert == "") != (f.key == "") {
		return f, usageError{errors.New("--cert and --key go together")}
	}
	if !envelope.ValidID(f.group) {
		return f, usageError{errors.New("--group must match [A-Za-z0-9_-]{1,64}")}
	}
	if f.clientID == "" {
		host, _ := os.Hostname()
		f.clientID = "tgdispatch-" + f.group + "-" + strings.NewReplacer(".", "-", ":", "-").Replace(host+"-"+f.listen)
	}
	return f, nil
}

// serve runs the service until SIGINT or SIGTERM.
func serve(args []string) error {
	f, err := parseServe(args)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(f.config)
	if err != nil {
		return usageError{err}
	}
	level, err := zerolog.ParseLevel(f.logLevel)
	if err != nil {
		return usageError{err}
	}
	loc, _ := time.LoadLocation(cfg.Timezone)
	zerolog.TimeFieldFormat = zerolog.TimeFormatUnixMs
	log := zerolog.New(os.Stderr).Level(level).With().Timestamp().Str("group", f.group).Logger()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return start(ctx, f, cfg, loc, log)
}

// start opens the store, wires ingest, service and console, and runs them.
func start(ctx context.Context, f serveFlags, cfg fileConfig, loc *time.Location, log zerolog.Logger) error {
	st, err := store.Open(ctx, f.db)
	if err != nil {
		return usageError{err}
	}
	defer st.Close()
	if err := bootstrapUsers(ctx, st, cfg.Users, log); err != nil {
		return err
	}
	bc, err := brokerConfig(f)
	if err != nil {
		return err
	}
	mq, err := ingest.New(bc, log)
	if err != nil {
		return usageError{err}
	}
	hub := &feed.Hub{}
	signer, err := loadSigningKey(f.signingKey)
	if err != nil {
		return usageError{err}
	}
	outbox, err := notifier(st, cfg, f.clientID, os.Getenv, log)
	if err != nil {
		return usageError{err}
	}
	var relay *feed.PG // several instances: consoles hear each other's changes at once (LISTEN/NOTIFY)
	if st.Dialect() == store.Postgres {
		relay = feed.NewPG(f.db, hub, log)
	}
	svc, err := service.New(service.Options{Store: st, Publisher: mq, Feed: hub, Ladder: *cfg.Escalation,
		FollowWindow: cfg.FollowWindow, Peers: st.Dialect() == store.Postgres, SigningKey: signer, Log: log,
		Notify: service.Notifications{ConsoleURL: cfg.ConsoleURL, Location: cfg.location, Wake: outbox.Wake}})
	if err != nil {
		return usageError{err}
	}
	console, err := web.New(web.Options{Store: st, Actions: svc, Feed: hub, Sites: cfg.Sites, Ladder: *cfg.Escalation,
		Location: loc, SecureCookies: f.secureCookies, Health: mq.Health, Log: log, FollowUpAfter: cfg.FollowUpAfter})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return usageError{err}
	}
	// ops: metrics (CONTRACT §11) — one call; the ingest handler gains alert timing.
	mctx, stopMetrics := context.WithCancel(ctx)
	handler, waitMetrics, err := startMetrics(mctx, f.metrics, st, hub, svc, log)
	if err != nil {
		stopMetrics()
		return err
	}
	defer waitMetrics()
	defer stopMetrics() // runs first

	log.Info().Str("listen", ln.Addr().String()).Str("broker", f.broker).Msg("tgdispatch started")
	warnInsecure(ctx, f, ln.Addr(), cfg.Users, st, log)
	defer notifyReady(log)() // systemd Type=notify
	return run(ctx, ln, console, mq, handler, svc, outbox, relay, log)
}

// run serves until ctx ends, then shuts everything down.
func run(ctx context.Context, ln net.Listener, h http.Handler, mq *ingest.Client, in ingest.Handler, svc *service.Service, outbox *notify.Worker, relay *feed.PG, log zerolog.Logger) error {
	g, ctx := errgroup.WithContext(ctx)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }} // event streams end at shutdown
	g.Go(func() error { return mq.Run(ctx, in) })
	g.Go(func() error { return svc.Run(ctx) })
	g.Go(func() error { return outbox.Run(ctx) })
	if relay != nil {
		g.Go(func() error { return relay.Run(ctx) })
	}
	g.Go(func() error {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	g.Go(func() error {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx) // SSE streams end with their requests' contexts
		return nil
	})
	err := g.Wait()
	log.Info().Msg("tgdispatch stopped")
	return err
}
