package mosquittotest

import (
	"fmt"
	"testing"
)

// TLSOptions are the files of a locked broker: its CA, its server
// certificate and key, and an acl_file. Every path must be readable by the
// test's user (the broker runs as "user root").
type TLSOptions struct {
	CAFile, CertFile, KeyFile string
	ACLFile                   string
}

// StartTLS runs mosquitto locked the way configs/mosquitto/transferguard.conf
// locks a production broker: a TLS listener that requires a client
// certificate signed by CAFile, takes its common name as the user name,
// admits no anonymous client and enforces ACLFile. URL is ssl://127.0.0.1:port.
func StartTLS(t testing.TB, o TLSOptions) *Broker {
	t.Helper()
	if o.CAFile == "" || o.CertFile == "" || o.KeyFile == "" || o.ACLFile == "" {
		t.Fatal("mosquittotest: StartTLS needs CAFile, CertFile, KeyFile and ACLFile")
	}
	return StartConf(t, "ssl", func(port int) string {
		return fmt.Sprintf("per_listener_settings false\nallow_anonymous false\nacl_file %s\n"+
			"persistence false\nuser root\nlog_dest stderr\nlog_type error\nlog_type warning\n"+
			"listener %d 127.0.0.1\ncafile %s\ncertfile %s\nkeyfile %s\n"+
			"require_certificate true\nuse_identity_as_username true\n",
			o.ACLFile, port, o.CAFile, o.CertFile, o.KeyFile)
	})
}
