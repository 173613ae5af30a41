#!/usr/bin/env bash
# Runs the display tests of the screens (build tag xvfb) under xvfb-run,
# with a null ALSA sound device, as CI does:
#   - ui/...: golden PNGs of every screen x zh/en x 3 sizes, the draw-on-
#     change game loop, the voice clips;
#   - drivers/screenproc: the real tgscreen killed, its X server killed and
#     restarted, the current screen coming back.
#
#   bash scripts/test-ui.sh            # run
#   bash scripts/test-ui.sh -update    # rewrite the golden PNGs and plans
#
# Needs (Debian): gcc libc6-dev pkg-config libgl-dev libx11-dev libxcursor-dev
# libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libasound2-dev xvfb
# xauth imagemagick fonts-wqy-microhei.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
# ALSA reads ~/.asoundrc: give it a HOME whose default device is null, and
# keep Go's caches where they are.
export GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)" GOPATH="$(go env GOPATH)"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
printf 'pcm.!default { type null }\n' > "$home/.asoundrc"
XVFB=(xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp")

if [[ "${1:-}" == "-update" ]]; then
	go test -count=1 ./ui/layout/ -update
	HOME="$home" "${XVFB[@]}" go test -tags xvfb -count=1 ./ui/screens/ -update
	exit 0
fi
# Ebiten's drawing under -race takes minutes; the packages with our own
# concurrency (pipe, screenproc) run with it.
HOME="$home" "${XVFB[@]}" go test -tags xvfb -count=1 ./ui/... ./cmd/tgscreen/
HOME="$home" "${XVFB[@]}" go test -tags xvfb -count=1 -race ./ui/pipe/ ./drivers/screenproc/
