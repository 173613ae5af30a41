#!/usr/bin/env python3
"""Independent DSSE signer/verifier for transferguard documents, written
from CONTRACT §5 alone with Python's `cryptography` package.

  interop-python.py sign   KEY.pem TYPE PAYLOAD.json > envelope.json
  interop-python.py verify PUB.pem ENVELOPE.json   # prints "OK <keyid>"

TYPE is config or watchlist (or a full payload type). Exit 1 when the
signature does not verify, 2 on bad usage or when `cryptography` is missing.
"""
import base64
import hashlib
import json
import sys

try:
    from cryptography.hazmat.primitives import serialization
    from cryptography.exceptions import InvalidSignature
except ImportError:
    print("interop-python: the cryptography package is not installed", file=sys.stderr)
    sys.exit(2)

TYPES = {
    "config": "application/vnd.transferguard.config+json",
    "watchlist": "application/vnd.transferguard.watchlist+json",
}


def pae(payload_type: str, body: bytes) -> bytes:
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)


def keyid(pub) -> str:
    der = pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def sign(key_file, kind, payload_file):
    key = serialization.load_pem_private_key(open(key_file, "rb").read(), password=None)
    payload_type = TYPES.get(kind, kind)
    body = open(payload_file, "rb").read()
    sig = key.sign(pae(payload_type, body))
    env = {
        "payloadType": payload_type,
        "payload": base64.b64encode(body).decode(),
        "signatures": [{"keyid": keyid(key.public_key()), "sig": base64.b64encode(sig).decode()}],
    }
    print(json.dumps(env, separators=(",", ":")))


def verify(pub_file, env_file):
    pub = serialization.load_pem_public_key(open(pub_file, "rb").read())
    env = json.load(open(env_file))
    body = base64.b64decode(env["payload"], validate=True)
    for s in env["signatures"]:
        try:
            pub.verify(base64.b64decode(s["sig"], validate=True), pae(env["payloadType"], body))
        except InvalidSignature:
            continue
        print("OK", keyid(pub))
        return 0
    print("interop-python: no signature verifies", file=sys.stderr)
    return 1


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "sign":
        sign(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "verify":
        sys.exit(verify(*sys.argv[2:]))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
