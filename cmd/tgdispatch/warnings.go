package main

import (
	"context"
	"net"
	"slices"

	"github.com/rs/zerolog"

	"github.com/transferguard/transferguard/dispatch/store"
)

// Start-up warnings: a set-up that works but that an attacker on the
// network would enjoy gets one loud line each at start, with what is wrong
// and how to fix it, so a demo set-up copied into a branch does not go
// unnoticed. They are warnings, not errors, because the demo and local
// tests run exactly this way on one machine.

// The warnings' messages (constant; the fields say what and how to fix).
const (
	msgPlainHTTP       = "console served over plain HTTP on a network address: passwords and session cookies cross the network in clear"
	msgDemoAccounts    = "accounts with published demo passwords can log in"
	msgAnonymousBroker = "broker connection is anonymous: anyone who reaches the broker can publish alerts or dispatches"
	msgPlainBroker     = "broker connection to another machine is not encrypted"
)

// publishedHashes are the password hashes of accounts whose passwords this
// repository publishes: the demo (configs/dispatch-demo.yaml: guard /
// demo-guard, supervisor / demo-supervisor) and the documented example
// (cmd/tgdispatch/testdata/dispatch.yaml: guard1 / guard-password, super /
// super-password). A test keeps this list equal to those files.
//
// Comparing hashes costs nothing; checking every account against the
// known passwords would cost an argon2id run (19 MiB) per account and
// password at each start. The hash catches what happens in practice — the
// demo or example file used as a configuration, or a database
// bootstrapped from it — but not the same password set again with
// `tgdispatch useradd` (a fresh salt gives another hash).
var publishedHashes = map[string]string{
	"guard":      "$argon2id$v=19$m=19456,t=2,p=1$oA6aIBS4G5h4bkyIgDfLvA$UDEctrHu0oqS3sNlYtjabuLh/hnOdzzenZLTU4cP3ok",
	"supervisor": "$argon2id$v=19$m=19456,t=2,p=1$H1F1+Xbs0Ck3LHANavFWhQ$9xLBDeClSSSu4rKKAeSE8/iMpYfd88i6H1pEEKGsDbM",
	"guard1":     "$argon2id$v=19$m=19456,t=2,p=1$JNvMJ/PxPjhBbQrqnlAeEQ$LQ02wdJ5ZyA/ASnnP3ZtryBpr4zC4KGzoQZT6eMKM+A",
	"super":      "$argon2id$v=19$m=19456,t=2,p=1$h/tXZZAJTs97tGK2TFGI4A$WVKWUE2yvi4b1F1xxR0pQs/A6bRB/Xn4hWzJYdaTQJk",
}

// userLookup finds an account by name (store.Store).
type userLookup interface {
	User(ctx context.Context, name string) (store.User, error)
}

// warnInsecure logs one warning for each insecure choice in the set-up.
func warnInsecure(ctx context.Context, f serveFlags, listen net.Addr, boot []bootUser, users userLookup, log zerolog.Logger) {
	if tcp, ok := listen.(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		log.Warn().Str("listen", listen.String()).
			Str("fix", "listen on 127.0.0.1 behind a TLS reverse proxy and set --secure-cookies").
			Msg(msgPlainHTTP)
	}
	if demo := demoAccounts(ctx, boot, users); len(demo) > 0 {
		log.Warn().Strs("users", demo).
			Str("fix", "give each a new password: tgdispatch useradd --name NAME --role ROLE [--sites …] < password-file, and drop the demo users from --config").
			Msg(msgDemoAccounts)
	}
	if f.brokerUser == "" {
		log.Warn().Str("broker", f.broker).
			Str("fix", "create a broker account for tgdispatch and pass --broker-user, with the password in $TGDISPATCH_BROKER_PASSWORD").
			Msg(msgAnonymousBroker)
	}
	if !brokerEncrypted(f.broker) && !brokerLoopback(f.broker) {
		log.Warn().Str("broker", f.broker).
			Str("fix", "use an ssl:// broker URL with --ca, and --cert/--key if the broker asks for client certificates").
			Msg(msgPlainBroker)
	}
}

// demoAccounts names the accounts, in the configuration or the database,
// whose password hash is one this repository publishes.
func demoAccounts(ctx context.Context, boot []bootUser, users userLookup) []string {
	published := map[string]bool{}
	for _, h := range publishedHashes {
		published[h] = true
	}
	var names []string
	for _, u := range boot {
		if published[u.PasswordHash] {
			names = append(names, u.Name)
		}
	}
	for name, h := range publishedHashes {
		if u, err := users.User(ctx, name); err == nil && u.Hash == h && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}
