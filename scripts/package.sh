#!/usr/bin/env bash
# Builds the .deb packages (tgagent with tgscreen, tgctl) into dist/ with
# nfpm, pinned, run as a Go tool. Version from `git describe`.
set -euo pipefail
cd "$(dirname "$0")/.."
NFPM=github.com/goreleaser/nfpm/v2/cmd/nfpm@${NFPM_VERSION:-v2.48.0}
ver=$(git describe --tags --always --dirty 2>/dev/null || echo 0.0.0)
[[ $ver =~ ^[0-9] ]] || ver="0.0.0~git${ver}"   # Debian versions start with a digit
export TG_VERSION=$ver TG_BIN
TG_BIN=$(mktemp -d)
trap 'rm -rf "$TG_BIN"' EXIT
CGO_ENABLED=1 go build -trimpath -ldflags "-s -w" -o "$TG_BIN/" ./cmd/tgagent ./cmd/tgscreen ./cmd/tgctl
mkdir -p dist
for p in tgagent tgctl; do
  go run "$NFPM" package --config "packaging/nfpm-$p.yaml" --packager deb --target dist/
done
ls -l dist/*.deb
