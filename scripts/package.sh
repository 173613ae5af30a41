#!/usr/bin/env bash
# Builds the .deb packages into dist/ with nfpm (docs/packages.md):
#   tgagent    tgagent + tgscreen, agent.yaml conffile, unit, user tgagent
#   tgdispatch tgdispatch, dispatch.yaml + tgdispatch.env conffiles, unit, user tgdispatch
#   tgctl      tgctl
# nfpm is pinned and built once from the Go module proxy into a cache
# directory (go install, ~1–3 min cold on 2 busy cores; then reused at no
# cost). The version is `git describe --tags --always`.
set -euo pipefail
cd "$(dirname "$0")/.."
NFPM_VERSION=${NFPM_VERSION:-v2.48.0}
NFPM_DIR=${NFPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/transferguard/nfpm-$NFPM_VERSION}
if [ ! -x "$NFPM_DIR/nfpm" ]; then
  echo "package: building nfpm $NFPM_VERSION into $NFPM_DIR (once)"
  GOFLAGS= GOBIN="$NFPM_DIR" nice go install "github.com/goreleaser/nfpm/v2/cmd/nfpm@$NFPM_VERSION"
fi

# A tag v1.2.0 gives 1.2.0 (1.2.0-3-gabc1234 three commits on); no tag gives
# 0.0.0~git<hash>, which sorts before any release (Debian versions start with a digit).
ver=$(git describe --tags --always 2>/dev/null || echo unknown)
ver=${ver#v}
[[ $ver =~ ^[0-9]+\. ]] || ver="0.0.0~git${ver}"
export TG_VERSION=$ver
TG_BIN=dist/bin   # the nfpm configs name their files here (nfpm expands no variables in src)
rm -rf "$TG_BIN" dist/*.deb && mkdir -p "$TG_BIN"
ldflags="-s -w -X main.buildVersion=$ver"
# tgscreen links Ebiten (cgo); the others are pure Go.
CGO_ENABLED=1 nice go build -trimpath -ldflags "$ldflags" -o "$TG_BIN/" ./cmd/tgscreen
CGO_ENABLED=0 nice go build -trimpath -ldflags "$ldflags" -o "$TG_BIN/" ./cmd/tgagent ./cmd/tgdispatch ./cmd/tgctl
for p in tgagent tgdispatch tgctl; do
  "$NFPM_DIR/nfpm" package --config "packaging/nfpm-$p.yaml" --packager deb --target dist/ >/dev/null
done
ls -l dist/*.deb
