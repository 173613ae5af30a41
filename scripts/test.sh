#!/usr/bin/env bash
# The one command that runs every test of transferguard on a fresh Debian
# machine (as root, or with sudo): it installs what the tests need, builds
# every binary, and runs unit, fuzz-seed, integration (real mosquitto on a
# pty), Windows (under wine), UI (real Ebiten window under Xvfb) and
# dispatch tests.
#
#   bash scripts/test.sh          # everything
#   QUICK=1 bash scripts/test.sh  # unit tests only
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

stage() { printf '\n=== %s (%s)\n' "$1" "$(date +%T)"; }

if [ -z "${QUICK:-}" ]; then
  stage "install system packages"
  WITH_WINE=1 bash scripts/deps.sh   # wine64 and mingw for the Windows stage
fi

stage "vet, staticcheck and build"
go vet ./...
go vet -tags integration,xvfb,e2e,pg,load ./...   # the tagged test files too
# staticcheck at a pinned version, from the Go module proxy.
STATICCHECK_VERSION=v0.8.2
GOFLAGS= go run "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION" ./...
go build -o bin/ ./cmd/...

# Packages that link Ebiten need an X server even to start a test binary,
# so the whole suite runs inside one Xvfb.
XVFB=(xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp")

stage "unit tests (race detector on the core and the drivers)"
"${XVFB[@]}" go test -count=1 -race ./agent/... ./drivers/... ./sim/... ./internal/...
"${XVFB[@]}" go test -count=1 $(go list ./... | grep -v -e /agent -e /drivers/ -e /sim -e /internal/)

[ -n "${QUICK:-}" ] && exit 0

stage "integration tests: tgagent on a pty against a real mosquitto"
go test -count=1 -tags integration -timeout 10m ./test/integration/...

stage "Windows build under wine: core, outbox and serial tests, one frame -> ACK -> alert"
PKGS="agent/frame agent/terminal drivers/outbox drivers/serialport" CMDS=./cmd/tgagent E2E=1 \
  bash scripts/test-windows.sh   # docs/windows.md

if [ -f scripts/test-ui.sh ]; then
  stage "UI tests under Xvfb"
  bash scripts/test-ui.sh
fi

if [ -f scripts/test-dispatch.sh ]; then
  stage "dispatch: PostgreSQL store and browser tests"
  bash scripts/test-dispatch.sh
fi

stage "systemd units: systemd-analyze verify"; bash scripts/test-systemd.sh

stage "Debian packages: build, dpkg -i, check, purge"; bash scripts/test-packages.sh

stage "all tests passed"
