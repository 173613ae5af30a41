#!/usr/bin/env bash
# Checks the shipped systemd units (packaging/systemd) with systemd-analyze
# verify against freshly built binaries. Any warning fails: verify exits 0
# on an unknown key, so its output must be empty. Needs systemd-analyze
# (Debian "systemd"); PID 1 need not be systemd.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v systemd-analyze >/dev/null || { echo "test-systemd: systemd-analyze missing (apt-get install systemd)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/" ./cmd/tgagent ./cmd/tgdispatch
for u in tgagent tgdispatch; do
  sed "s#/usr/bin/$u#$tmp/$u#" "packaging/systemd/$u.service" > "$tmp/$u.service"
done
if ! out=$(systemd-analyze verify "$tmp/tgagent.service" "$tmp/tgdispatch.service" 2>&1) || [ -n "$out" ]; then
  echo "test-systemd: systemd-analyze verify complained:" >&2
  echo "$out" >&2
  exit 1
fi
echo "test-systemd: tgagent.service and tgdispatch.service verify clean"
