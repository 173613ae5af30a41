#!/bin/sh
# Independent DSSE signer/verifier for transferguard documents, written from
# CONTRACT §5 alone with openssl (>= 3.0 for -rawin) and coreutils base64.
# JSON is read with python3's standard library only (no third-party code).
#
#   interop-openssl.sh sign   KEY.pem TYPE PAYLOAD.json > envelope.json
#   interop-openssl.sh verify PUB.pem ENVELOPE.json      # prints "Signature Verified Successfully"
#   interop-openssl.sh keyid  PUB.pem                    # hex SHA-256 of the DER SubjectPublicKeyInfo
#
# TYPE is config or watchlist (or a full payload type). PAE(type, body) =
# "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes.
set -eu

die() { echo "interop-openssl: $*" >&2; exit 2; }
command -v openssl >/dev/null || die "openssl not found"

ptype() {
	case "$1" in
	config) echo application/vnd.transferguard.config+json ;;
	watchlist) echo application/vnd.transferguard.watchlist+json ;;
	*) echo "$1" ;;
	esac
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# pae TYPE BODYFILE > PAEFILE
pae() {
	len=$(wc -c <"$2" | tr -d ' ')
	printf 'DSSEv1 %d %s %d ' "$(printf %s "$1" | wc -c | tr -d ' ')" "$1" "$len"
	cat "$2"
}

keyid() {
	openssl pkey -pubin -in "$1" -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1
}

case "${1:-}" in
sign)
	[ $# -eq 4 ] || die "usage: sign KEY.pem TYPE PAYLOAD"
	t=$(ptype "$3")
	pae "$t" "$4" >"$tmp/pae"
	openssl pkeyutl -sign -inkey "$2" -rawin -in "$tmp/pae" -out "$tmp/sig"
	openssl pkey -in "$2" -pubout -out "$tmp/pub.pem"
	printf '{"payloadType":"%s","payload":"%s","signatures":[{"keyid":"%s","sig":"%s"}]}\n' \
		"$t" "$(base64 -w0 <"$4")" "$(keyid "$tmp/pub.pem")" "$(base64 -w0 <"$tmp/sig")"
	;;
verify)
	[ $# -eq 3 ] || die "usage: verify PUB.pem ENVELOPE"
	python3 - "$3" "$tmp" <<'PY'
import base64, json, sys
env = json.load(open(sys.argv[1]))
out = sys.argv[2]
open(out + "/type", "w").write(env["payloadType"])
open(out + "/body", "wb").write(base64.b64decode(env["payload"], validate=True))
open(out + "/sig", "wb").write(base64.b64decode(env["signatures"][0]["sig"], validate=True))
PY
	pae "$(cat "$tmp/type")" "$tmp/body" >"$tmp/pae"
	openssl pkeyutl -verify -pubin -inkey "$2" -rawin -in "$tmp/pae" -sigfile "$tmp/sig"
	;;
keyid)
	[ $# -eq 2 ] || die "usage: keyid PUB.pem"
	keyid "$2"
	;;
*)
	die "usage: interop-openssl.sh sign|verify|keyid ..."
	;;
esac
